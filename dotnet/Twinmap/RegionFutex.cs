namespace Twinmap;

/// <summary>
/// Wait/wake on the 32-bit words of one shared region (a channel's header), whatever the OS:
/// the Linux futex syscall on the word itself (<see cref="Futex"/>), or on Windows, where
/// WaitOnAddress does not cross processes, a named semaphore per word (<see cref="Win32Futex"/>).
/// Each region has its own, because on Windows the semaphores are named after the region.
/// </summary>
internal interface IRegionFutex : IDisposable
{
    /// <summary>Sleeps while <c>*word == expected</c>, at most <paramref name="timeoutMs"/> (negative: no limit). Spurious wake-ups happen.</summary>
    unsafe FutexWaitResult Wait(int* word, int expected, int timeoutMs);

    /// <summary>Wakes up to <paramref name="count"/> sleepers on <paramref name="word"/> (count &lt;= 0: all).</summary>
    unsafe void Wake(int* word, int count);
}

/// <summary>The Linux futex: the word's address is all the kernel needs, so one instance serves every region.</summary>
internal sealed unsafe class LinuxRegionFutex : IRegionFutex
{
    public static readonly LinuxRegionFutex Instance = new();

    private LinuxRegionFutex()
    {
    }

    public FutexWaitResult Wait(int* word, int expected, int timeoutMs) => Futex.Wait(word, expected, timeoutMs);

    public void Wake(int* word, int count) => Futex.Wake(word, count);

    public void Dispose()
    {
    }
}
