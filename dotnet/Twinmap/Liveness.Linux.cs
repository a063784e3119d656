namespace Twinmap;

// Liveness on Linux, as ts/liveness/linux.ts does it: the start time is field 22 of
// /proc/<pid>/stat, and a process is alive while that file exists and its state is not a
// zombie's (Z, X, x).
public static partial class Liveness
{
    private static class LinuxCore
    {
        public static ulong SelfStartTimeCore() => ReadStat(Environment.ProcessId)?.StartTime ?? 0;

        public static bool IsAliveCore(int pid, ulong startTime)
        {
            var stat = ReadStat(pid);
            if (stat is null) return false;
            if (stat.Value.State is 'Z' or 'X' or 'x') return false;
            return startTime == 0 || stat.Value.StartTime == startTime;
        }
    }
}
