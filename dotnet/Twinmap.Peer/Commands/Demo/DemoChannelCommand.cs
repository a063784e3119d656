using Twinmap.Examples.Formats;

namespace Twinmap.Peer.Commands;

/// <summary>
/// demo-channel name=.. [transport=pipe]: the .NET side of the demo's channel part. An IpcServer
/// whose requests are TestData records (the generated codec, examples/formats/test_data.ksy): it answers
/// each with Age + 1 and every score doubled. Stops on the stdin line "quit".
/// </summary>
public sealed class DemoChannelCommand : IPeerCommand
{
    public string Name => "demo-channel";

    public int Run(PeerArgs args, PeerIO io)
    {
        using var server = new IpcServer(args.Get("name"), new IpcOptions { Transport = IpcServerCommand.Transport(args) });
        long answered = 0;
        server.RequestHandler = m =>
        {
            var data = TestData.Decode(m.Data);
            data.Age += 1;
            for (int i = 0; i < 10; i++) data.Scores[i] *= 2;
            answered++;
            return data.Encode();
        };
        server.Start();
        io.Emit("ready", new { runtime = Environment.Version.ToString() });
        while (io.WaitLine() is { } line && line != "quit") { }
        io.Emit("done", new { answered });
        return 0;
    }
}
