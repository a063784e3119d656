using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace Twinmap;

/// <summary>
/// Futex words on Windows, the scheme of ts/futex/win32.ts so that Node and .NET wake each
/// other: each word of a region gets a named semaphore <c>&lt;kernel name&gt;#futex@&lt;offset&gt;</c>
/// for the wake-ups and a waiter count in the region's side-car (<see cref="Win32Sidecar"/>).
/// Wait: count++, re-check the word, sleep on the semaphore, count--. Wake: post min(count, n).
/// A waiter that counts itself before re-checking cannot miss a wake that follows a change of
/// the word; a post whose waiter timed out meanwhile makes a later wait return early once (a
/// spurious wake-up, which every caller allows).
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed unsafe class Win32RegionFutex(string kernelName, Win32Sidecar sidecar, byte* regionBase, long regionSize) : IRegionFutex
{
    private readonly Dictionary<int, SafeWaitHandle> _semaphores = [];
    private readonly Gate _gate = new();
    private bool _disposed;

    private int OffsetOf(int* word)
    {
        long offset = (byte*)word - regionBase;
        if (offset < 0 || (offset & 3) != 0 || offset + 4 > Math.Min(Win32Sidecar.FutexSpan, regionSize))
            throw new ArgumentOutOfRangeException(nameof(word), $"futex: offset {offset} must be 4-byte aligned and within the first {Win32Sidecar.FutexSpan} bytes of the region");
        return (int)offset;
    }

    private SafeWaitHandle Semaphore(int offset)
    {
        lock (_gate)
        {
            if (_disposed) throw new ClosedException($"\"{kernelName}\" is closed");
            if (_semaphores.TryGetValue(offset, out var h)) return h;
            var name = $"{kernelName}#futex@{offset}";
            h = Kernel32.CreateSemaphoreW(0, 0, int.MaxValue, name);
            if (h.IsInvalid)
            {
                int err = Marshal.GetLastPInvokeError();
                throw new TwinmapException(TwinmapErrorCode.Os, $"CreateSemaphoreW \"{name}\" failed: error {err}{(err == Kernel32.ErrorInvalidHandle ? " (the name belongs to another kind of object)" : "")}");
            }
            _semaphores[offset] = h;
            return h;
        }
    }

    public FutexWaitResult Wait(int* word, int expected, int timeoutMs)
    {
        int offset = OffsetOf(word);
        var sem = Semaphore(offset);
        int* count = sidecar.WaiterCount(offset);
        Interlocked.Increment(ref *count);
        try
        {
            if (Volatile.Read(ref *word) != expected) return FutexWaitResult.Changed;
            uint r = Kernel32.WaitForSingleObject(sem, timeoutMs < 0 ? Kernel32.Infinite : (uint)timeoutMs);
            return r switch
            {
                Kernel32.WaitObject0 => FutexWaitResult.Woken,
                Kernel32.WaitTimeout => FutexWaitResult.Timeout,
                _ => throw new TwinmapException(TwinmapErrorCode.Os, $"WaitForSingleObject on \"{kernelName}#futex@{offset}\" failed: error {Marshal.GetLastPInvokeError()}"),
            };
        }
        finally
        {
            Interlocked.Decrement(ref *count);
        }
    }

    public void Wake(int* word, int count)
    {
        int offset = OffsetOf(word);
        int waiting = Volatile.Read(ref *sidecar.WaiterCount(offset));
        if (waiting <= 0) return;
        int n = count <= 0 ? waiting : Math.Min(count, waiting);
        if (!Kernel32.ReleaseSemaphore(Semaphore(offset), n, out _))
        {
            int err = Marshal.GetLastPInvokeError();
            // Posts left over from timed-out waiters reached the maximum: everyone is awake anyway.
            if (err != Kernel32.ErrorTooManyPosts)
                throw new TwinmapException(TwinmapErrorCode.Os, $"ReleaseSemaphore on \"{kernelName}#futex@{offset}\" failed: error {err}");
        }
    }

    /// <summary>Closes the semaphores (the side-car belongs to the map and goes with it).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var h in _semaphores.Values) h.Dispose();
            _semaphores.Clear();
        }
    }
}
