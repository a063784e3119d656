using System.Runtime.InteropServices;

namespace Twinmap.Peer.Commands;

/// <summary>Reports who the Peer is: lets tests check the harness and which runtime runs it
/// (framework: RuntimeInformation.FrameworkDescription; globalScope: .NET 11's switch that puts
/// plain named mutexes in the machine-wide tree, null when the app does not set it).</summary>
public sealed class PingCommand : IPeerCommand
{
    public string Name => "ping";

    public int Run(PeerArgs args, PeerIO io)
    {
        bool? globalScope = AppContext.TryGetSwitch("System.Threading.Mutex.UnsafeDefaultMutexScopeGlobal", out bool on) ? on : null;
        io.Emit("ready", new
        {
            pid = Environment.ProcessId,
            dotnet = Environment.Version.ToString(),
            framework = RuntimeInformation.FrameworkDescription,
            globalScope,
            os = RuntimeInformation.OSDescription,
        });
        return 0;
    }
}
