using System.Runtime.InteropServices;

namespace Twinmap;

/// <summary>
/// Wait/wake on a 32-bit word in shared memory: the Linux <c>futex</c> syscall (shared, not
/// private, because the word sits in a mapping other processes use), nothing more. The same
/// calls as the Node side's native futex.cc, so either side can wake the other.
/// </summary>
internal static unsafe class Futex
{
    private const int FutexWaitOp = 0;
    private const int FutexWakeOp = 1;
    private const int EAGAIN = 11;
    private const int EINTR = 4;
    private const int ETIMEDOUT = 110;

    private static readonly long SysFutex = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        _ => -1,
    };

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Sec;
        public long Nsec;
    }

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static extern long Syscall(long number, int* addr, int op, int val, Timespec* timeout, int* addr2, int val3);

    private static void EnsureSupported()
    {
        if (!OperatingSystem.IsLinux() || SysFutex < 0)
            throw new TwinmapException(TwinmapErrorCode.Unsupported, $"futex: only Linux x64/arm64 is supported here, not {RuntimeInformation.OSDescription} {RuntimeInformation.ProcessArchitecture}");
    }

    /// <summary>Sleeps while <c>*word == expected</c>, at most <paramref name="timeoutMs"/> (negative: no limit).</summary>
    public static FutexWaitResult Wait(int* word, int expected, double timeoutMs)
    {
        EnsureSupported();
        Timespec ts;
        Timespec* tsp = null;
        if (timeoutMs >= 0 && !double.IsPositiveInfinity(timeoutMs))
        {
            long ns = (long)(timeoutMs * 1_000_000);
            ts.Sec = ns / 1_000_000_000;
            ts.Nsec = ns % 1_000_000_000;
            tsp = &ts;
        }
        long r = Syscall(SysFutex, word, FutexWaitOp, expected, tsp, null, 0);
        if (r == 0) return FutexWaitResult.Woken;
        int err = Marshal.GetLastPInvokeError();
        return err switch
        {
            ETIMEDOUT => FutexWaitResult.Timeout,
            EAGAIN => FutexWaitResult.Changed,
            EINTR => FutexWaitResult.Woken,
            _ => throw new TwinmapException(TwinmapErrorCode.Os, $"futex FUTEX_WAIT failed: errno {err}"),
        };
    }

    /// <summary>Wakes up to <paramref name="count"/> sleepers (count &lt;= 0: all); returns how many woke.</summary>
    public static int Wake(int* word, int count)
    {
        EnsureSupported();
        long r = Syscall(SysFutex, word, FutexWakeOp, count <= 0 ? int.MaxValue : count, null, null, 0);
        if (r < 0) throw new TwinmapException(TwinmapErrorCode.Os, $"futex FUTEX_WAKE failed: errno {Marshal.GetLastPInvokeError()}");
        return (int)r;
    }
}
