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

    /// <summary>
    /// Opens the mutex the way an app does: <c>new Mutex(false, name, out createdNew)</c> or
    /// <c>Mutex.OpenExisting(name)</c>, or, when the args carry userOnly=true|false and/or
    /// sessionOnly=true|false, the .NET 10 overloads that take <c>NamedWaitHandleOptions</c>
    /// (an option not given keeps .NET's default, true).
    /// </summary>
    public static Mutex Open(PeerArgs args, string name, bool openExisting, out bool createdNew)
    {
        createdNew = false;
        if (!args.Has("userOnly") && !args.Has("sessionOnly"))
            return openExisting ? Mutex.OpenExisting(name) : new Mutex(false, name, out createdNew);
#if NET10_0_OR_GREATER
        var options = new NamedWaitHandleOptions
        {
            CurrentUserOnly = args.Get("userOnly", "true") == "true",
            CurrentSessionOnly = args.Get("sessionOnly", "true") == "true",
        };
        return openExisting ? Mutex.OpenExisting(name, options) : new Mutex(false, name, options, out createdNew);
#else
        throw new PlatformNotSupportedException("userOnly/sessionOnly use NamedWaitHandleOptions, which .NET 10 added");
#endif
    }

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
