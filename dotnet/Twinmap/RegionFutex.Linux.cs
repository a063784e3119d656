namespace Twinmap;

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
