namespace Twinmap.Peer.Commands;

/// <summary>
/// bcl-event name=N [manual=1] [create=1] [timeout=ms] (wait | set): what an unmodified .NET
/// app on Windows does with a named event (an AutoResetEvent): the BCL's
/// <c>new EventWaitHandle(false, mode, name, out createdNew)</c> (create=1) or
/// <c>EventWaitHandle.OpenExisting(name)</c>, then reports "opened" {createdNew} and waits for a
/// stdin line. action=wait: <c>WaitOne(timeout)</c>, reports "woke" {signaled}.
/// action=set: <c>Set()</c>, reports "set". Windows only: on Linux the BCL refuses named events
/// (twinmap's NamedEvent, event-wait/event-set, is the cross-platform one).
/// </summary>
public sealed class BclEventCommand : IPeerCommand
{
    public string Name => "bcl-event";

    public int Run(PeerArgs args, PeerIO io)
    {
        string name = args.Get("name");
        var mode = args.Get("manual", "0") == "1" ? EventResetMode.ManualReset : EventResetMode.AutoReset;
        bool createdNew = false;
#pragma warning disable CA1416 // named EventWaitHandle: Windows only, which the caller knows
        using EventWaitHandle ev = args.Get("create", "0") == "1"
            ? new EventWaitHandle(false, mode, name, out createdNew)
            : EventWaitHandle.OpenExisting(name);
#pragma warning restore CA1416
        io.Emit("opened", new { createdNew });
        io.WaitLine();
        if (args.Get("action") == "set")
        {
            ev.Set();
            io.Emit("set");
        }
        else
        {
            bool signaled = ev.WaitOne(args.GetInt("timeout", -1));
            io.Emit("woke", new { signaled });
        }
        return 0;
    }
}
