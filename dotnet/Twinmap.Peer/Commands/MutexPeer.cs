using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Twinmap.Peer.Commands;

/// <summary>Helpers shared by the mutex commands; they only observe what the BCL Mutex does.</summary>
internal static partial class MutexPeer
{
    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "getsid")]
    private static partial int GetSid(int pid);

    /// <summary>The session id (what picks .NET's session directory), for scope checks.</summary>
    public static long SessionId() => OperatingSystem.IsLinux() ? GetSid(0) : -1;

    /// <summary>The OS thread id (what .NET ≤10 writes as the owner tid), for layout checks.</summary>
    public static long OsThreadId() => OperatingSystem.IsLinux() ? GetTid() : Environment.CurrentManagedThreadId;

    /// <summary>WaitOne with the three outcomes a twinmap LockResult names, and how long it took.</summary>
    public static (string Result, double Ms) Wait(Mutex mutex, int timeoutMs)
    {
        var sw = Stopwatch.StartNew();
        string result;
        try
        {
            result = mutex.WaitOne(timeoutMs) ? "acquired" : "timeout";
        }
        catch (AbandonedMutexException)
        {
            result = "abandoned"; // the caller owns the mutex now, as .NET documents
        }
        return (result, sw.Elapsed.TotalMilliseconds);
    }
}
