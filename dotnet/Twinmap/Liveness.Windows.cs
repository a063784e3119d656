using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Twinmap;

// Liveness on Windows, as ts/liveness/win32.ts and native/win32/process.cc do it: the start time is
// the process's creation time (GetProcessTimes) in ms since the Unix epoch, and a process is
// alive while OpenProcess finds it and its handle is not signalled (exited). Both sides write
// the same numbers into a channel header's pid/start fields, so each can judge the other's.
public static partial class Liveness
{
    [SupportedOSPlatform("windows")]
    private static class WindowsCore
    {
        public static ulong SelfStartTimeCore() =>
            Kernel32.GetProcessTimesRaw(Kernel32.GetCurrentProcess(), out long created, out _, out _, out _) ? Kernel32.UnixMs(created) : 0;

        public static bool IsAliveCore(int pid, ulong startTime)
        {
            using var h = Kernel32.OpenProcess(Kernel32.Synchronize | Kernel32.ProcessQueryLimitedInformation, false, pid);
            if (h.IsInvalid)
            {
                // No such process; one we may not open exists (not ours to judge: alive).
                return Marshal.GetLastPInvokeError() == Kernel32.ErrorAccessDenied;
            }
            if (Kernel32.WaitForProcess(h, 0) != Kernel32.WaitTimeout) return false; // exited (a handle someone holds keeps only its corpse)
            if (startTime == 0) return true;
            return Kernel32.GetProcessTimes(h, out long created, out _, out _, out _) && Kernel32.UnixMs(created) == startTime;
        }
    }
}
