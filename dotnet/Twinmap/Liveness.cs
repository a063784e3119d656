namespace Twinmap;

/// <summary>
/// Is a process still the one we met? A pid can be reused, so both sides record pid + start
/// time, as ts/liveness/ does: on Linux field 22 of /proc/&lt;pid&gt;/stat (clock ticks since
/// boot, Liveness.Linux.cs), on Windows the creation time in ms since the Unix epoch
/// (Liveness.Windows.cs). A zombie (killed, not yet reaped) counts as dead.
/// </summary>
public static partial class Liveness
{
    /// <summary>The start time of <paramref name="pid"/> and its state letter from /proc (Linux), or null if it does not exist.</summary>
    public static (ulong StartTime, char State)? ReadStat(int pid) => ProcStat.Read(pid);

    private static ulong? _self;

    /// <summary>This process's start time.</summary>
    public static ulong SelfStartTime => _self ??= OperatingSystem.IsWindows() ? WindowsCore.SelfStartTimeCore() : LinuxCore.SelfStartTimeCore();

    /// <summary>True if <paramref name="pid"/> runs and (when startTime is non-zero) started at <paramref name="startTime"/>.</summary>
    public static bool IsAlive(int pid, ulong startTime)
    {
        if (pid <= 0) return false;
        return OperatingSystem.IsWindows() ? WindowsCore.IsAliveCore(pid, startTime) : LinuxCore.IsAliveCore(pid, startTime);
    }
}
