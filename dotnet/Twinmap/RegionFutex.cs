namespace Twinmap;

/// <summary>
/// Wait/wake on the 32-bit words of one shared region (a channel's header), whatever the OS:
/// the Linux futex syscall on the word itself (<see cref="LinuxRegionFutex"/>,
/// RegionFutex.Linux.cs), or on Windows, where WaitOnAddress does not cross processes, a named
/// semaphore per word (<see cref="Win32RegionFutex"/>, RegionFutex.Windows.cs).
/// Each region has its own, because on Windows the semaphores are named after the region.
/// </summary>
internal interface IRegionFutex : IDisposable
{
    /// <summary>Sleeps while <c>*word == expected</c>, at most <paramref name="timeoutMs"/> (negative: no limit). Spurious wake-ups happen.</summary>
    unsafe FutexWaitResult Wait(int* word, int expected, int timeoutMs);

    /// <summary>Wakes up to <paramref name="count"/> sleepers on <paramref name="word"/> (count &lt;= 0: all).</summary>
    unsafe void Wake(int* word, int count);
}

/// <summary>Chooses a region's futex by OS, as ts/futex/region-futex.ts does.</summary>
internal static unsafe class RegionFutex
{
    /// <summary>On Windows the region's words wake through semaphores named after the map, counted in its side-car.</summary>
    public static IRegionFutex For(SharedMap map)
    {
        if (!OperatingSystem.IsWindows()) return LinuxRegionFutex.Instance;
        var sidecar = map.Sidecar ?? throw new TwinmapException(TwinmapErrorCode.Unsupported, $"\"{map.Name}\" has no side-car: futex words need a named map");
        return new Win32RegionFutex(SharedMap.KernelName(ParsedName.Parse(map.Name!)), sidecar, map.BaseOrNull, map.Size);
    }
}
