namespace Twinmap.Peer.Commands;

/// <summary>
/// The bench's .NET IpcServer: echoes every request's payload as its response.
///   Twinmap.Peer bench-ipc name=NAME [transport=channel|pipe]
/// Reports "ready" once clients can connect; stops (and removes its channel or pipe) when stdin closes,
/// reporting "done" with the bytes the process allocated.
/// </summary>
public sealed class BenchIpcCommand : IPeerCommand
{
    public string Name => "bench-ipc";

    public int Run(PeerArgs args, PeerIO io)
    {
        using var server = new IpcServer(args.Get("name"), new IpcOptions { Transport = IpcServerCommand.Transport(args) });
        server.RequestHandler = m => m.Data;
        server.Start();
        io.Emit("ready", new { pid = Environment.ProcessId, dotnet = Environment.Version.ToString() });
        while (io.WaitLine() is not null) { }
        // What serving cost in allocations (every thread), for the bench's notes.
        io.Emit("done", new { allocatedBytes = GC.GetTotalAllocatedBytes(precise: true) });
        return 0;
    }
}
