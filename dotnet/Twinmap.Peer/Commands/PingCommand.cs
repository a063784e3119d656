namespace Twinmap.Peer.Commands;

/// <summary>Reports who the Peer is: lets tests check the harness and the runtime version.</summary>
public sealed class PingCommand : IPeerCommand
{
    public string Name => "ping";

    public int Run(PeerArgs args, PeerIO io)
    {
        io.Emit("ready", new
        {
            pid = Environment.ProcessId,
            dotnet = Environment.Version.ToString(),
            os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        });
        return 0;
    }
}
