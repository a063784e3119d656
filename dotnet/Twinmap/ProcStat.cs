using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Twinmap;

/// <summary>
/// Reads the state and start time of a process from Linux's <c>/proc/&lt;pid&gt;/stat</c> with
/// open/read/close into a stack buffer, parsing the bytes in place.
/// </summary>
/// <remarks>
/// Why not File.ReadAllText: a waiting channel side checks its peers 4 times a second for as
/// long as it waits. ReadAllText runs a FileStream, a StreamReader, UTF-8 decoding and Split
/// (~10 KB of garbage per call), and that call tree is large: the runtime re-JITs it (tier-1
/// instrumented, then tier-1) as the call counts pass their thresholds, which showed up as 60-120
/// ms of JIT in one second every few seconds of an otherwise idle process. This path is a few
/// small methods, allocates nothing, and is compiled once (no tiering: it is never hot enough to
/// need profile data, and re-compiling it is what cost idle CPU).
/// </remarks>
[SkipLocalsInit] // the stack buffers are written before they are read; zeroing them is a call per check
internal static unsafe partial class ProcStat
{
    private const int O_RDONLY = 0, O_CLOEXEC = 0x80000;
    private const int EINTR = 4;

    // Field 2 (comm) is at most 16 bytes in parentheses; fields 1..22 fit well within this.
    private const int BufferSize = 1024;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static partial int Open(byte* path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    /// <summary>Start time (clock ticks since boot) and state letter of <paramref name="pid"/>; null if it does not exist (or its stat cannot be read).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (ulong StartTime, char State)? Read(int pid)
    {
        if (pid <= 0 || !OperatingSystem.IsLinux()) return null;
        byte* path = stackalloc byte[32];
        WritePath(path, pid);
        int fd;
        do fd = Open(path, O_RDONLY | O_CLOEXEC);
        while (fd < 0 && Marshal.GetLastPInvokeError() == EINTR);
        if (fd < 0) return null;
        byte* buf = stackalloc byte[BufferSize];
        int len = 0;
        try
        {
            // /proc generates the whole line on the first read; loop for short reads anyway.
            while (len < BufferSize)
            {
                nint n = Read(fd, buf + len, BufferSize - len);
                if (n < 0)
                {
                    if (Marshal.GetLastPInvokeError() == EINTR) continue;
                    return null; // e.g. ESRCH: the process went away between open and read
                }
                if (n == 0) break;
                len += (int)n;
            }
        }
        finally
        {
            Close(fd);
        }
        return Parse(new ReadOnlySpan<byte>(buf, len));
    }

    /// <summary>"/proc/&lt;pid&gt;/stat" as a NUL-terminated byte string (needs 28 bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WritePath(byte* p, int pid)
    {
        ReadOnlySpan<byte> head = "/proc/"u8, tail = "/stat\0"u8;
        int at = 0;
        foreach (byte b in head) p[at++] = b;
        int digits = 1;
        for (int v = pid; v >= 10; v /= 10) digits++;
        for (int i = digits - 1, v = pid; i >= 0; i--, v /= 10) p[at + i] = (byte)('0' + v % 10);
        at += digits;
        foreach (byte b in tail) p[at++] = b;
    }

    /// <summary>
    /// Field 3 (state) and field 22 (starttime) of a stat line. The command name (field 2) is in
    /// parentheses and may hold spaces and ')', so fields are counted from the last ')'.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (ulong StartTime, char State)? Parse(ReadOnlySpan<byte> line)
    {
        // Plain loops, not IndexOf: the line is a few hundred bytes, and the vectorised helpers
        // would be more methods for the runtime to tier up while the process is idle.
        int close = line.Length - 1;
        while (close >= 0 && line[close] != (byte)')') close--;
        if (close < 0 || close + 2 >= line.Length || line[close + 1] != (byte)' ') return null;
        int at = close + 2;
        char state = (char)line[at];
        if (state == ' ') return null;
        // From the state (field 3), starttime (field 22) is 19 spaces further.
        for (int spaces = 0; spaces < 19; at++)
        {
            if (at >= line.Length) return null;
            if (line[at] == (byte)' ') spaces++;
        }
        ulong start = 0;
        int digits = 0;
        for (; at < line.Length && line[at] != (byte)' ' && line[at] != (byte)'\n'; at++, digits++)
        {
            uint d = (uint)(line[at] - '0');
            if (d > 9 || start > (ulong.MaxValue - d) / 10) return null;
            start = start * 10 + d;
        }
        return digits == 0 ? null : (start, state);
    }
}
