namespace Twinmap.Peer.Commands;

/// <summary>
/// mutex-hold name=X [timeout=ms] [mode=create|open] [step=1] [release=abandon] [userOnly=b] [sessionOnly=b]: what an unmodified .NET app does
/// with a named mutex. Opens it with <c>new Mutex(false, name, out createdNew)</c> (mode=open:
/// <c>Mutex.OpenExisting</c>) and reports "opened"; with step=1 waits for a stdin line first;
/// then waits for the lock (timeout -1 = no limit) and reports "locked" with result
/// acquired | abandoned (AbandonedMutexException) | timeout and how long it took; holds it until
/// a stdin line, releases it ("released"), and closes after one more line ("closed").
/// release=abandon: after that line it closes without releasing, on the owning thread, which is
/// how a live .NET process abandons a mutex (the next owner gets AbandonedMutexException).
/// userOnly/sessionOnly: open with .NET 10's NamedWaitHandleOptions (see MutexPeer.Open).
/// </summary>
public sealed class MutexHoldCommand : IPeerCommand
{
    public string Name => "mutex-hold";

    public int Run(PeerArgs args, PeerIO io)
    {
        string name = args.Get("name");
        int timeout = args.GetInt("timeout", -1);
        bool open = args.Get("mode", "create") == "open";
        bool createdNew = false;
        using Mutex mutex = MutexPeer.Open(args, name, open, out createdNew);
        io.Emit("opened", new { createdNew, pid = Environment.ProcessId, tid = MutexPeer.OsThreadId(), sid = MutexPeer.SessionId() });
        if (args.Get("step", "0") == "1") io.WaitLine();
        var (result, ms) = MutexPeer.Wait(mutex, timeout);
        io.Emit("locked", new { result, ms, pid = Environment.ProcessId, tid = MutexPeer.OsThreadId() });
        io.WaitLine();
        if (args.Get("release", "normal") == "abandon")
        {
            mutex.Dispose();
            io.Emit("closed");
            io.WaitLine();
            return 0;
        }
        if (result != "timeout")
        {
            mutex.ReleaseMutex();
            io.Emit("released");
        }
        io.WaitLine();
        io.Emit("closed");
        return 0;
    }
}
