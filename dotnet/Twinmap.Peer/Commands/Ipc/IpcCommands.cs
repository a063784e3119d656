using System.Buffers.Binary;
using System.Diagnostics;

namespace Twinmap.Peer.Commands;

/// <summary>
/// ipc-server name=..: an IpcServer whose handler echoes each request with "ok:" in front
/// (a request "fail" gets an error); counts one-way messages; stops on the stdin line "quit".
/// </summary>
public sealed class IpcServerCommand : IPeerCommand
{
    public string Name => "ipc-server";

    /// <summary>transport=pipe selects the named-pipe transport; the default is channels.</summary>
    public static IpcTransport Transport(PeerArgs args) => args.Get("transport", "channel") == "pipe" ? IpcTransport.NamedPipe : IpcTransport.Channel;

    public int Run(PeerArgs args, PeerIO io)
    {
        using var server = new IpcServer(args.Get("name"), new IpcOptions { Capacity = args.GetInt("capacity", 1 << 20), Transport = Transport(args) });
        long received = 0;
        server.Received += (_, e) =>
        {
            Interlocked.Increment(ref received);
            if (e.Text == "push-me") server.Send(e.ClientId, "pushed");
        };
        bool json = args.Get("json", "0") == "1";
        server.RequestHandler = m =>
        {
            if (json)
            {
                // JSON messages as JSON records (json_record.ksy): {"a":..,"b":..} -> {"sum":..}
                var add = m.Json<Dictionary<string, int>>() ?? throw new InvalidDataException("null JSON");
                return IpcMessageEventArgs.JsonPayload(new Dictionary<string, int> { ["sum"] = add["a"] + add["b"] });
            }
            if (m.Text == "fail") throw new InvalidOperationException("the .NET handler refused");
            return [.. "ok:"u8, .. m.Data];
        };
        server.Start();
        io.Emit("ready", new { pid = Environment.ProcessId });
        while (io.WaitLine() is { } line && line != "quit") { }
        io.Emit("done", new { received = Interlocked.Read(ref received) });
        return 0;
    }
}

/// <summary>
/// ipc-client name=.. count=N concurrency=C: N requests (each carrying its number), C in flight;
/// checks every response is its own request's ("ok:" + request); reports the rate and the bytes the process allocated.
/// </summary>
public sealed class IpcClientCommand : IPeerCommand
{
    public string Name => "ipc-client";

    public int Run(PeerArgs args, PeerIO io) => RunAsync(args, io).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(PeerArgs args, PeerIO io)
    {
        using var client = IpcClient.Connect(args.Get("name"), new IpcOptions { Transport = IpcServerCommand.Transport(args) });
        int count = args.GetInt("count");
        int concurrency = args.GetInt("concurrency", 16);
        io.Emit("ready", new { clientId = client.ClientId });
        var sw = Stopwatch.StartNew();
        int next = 0;
        long matched = 0;
        async Task Worker()
        {
            var req = new byte[16];
            for (;;)
            {
                int i = Interlocked.Increment(ref next) - 1;
                if (i >= count) return;
                BinaryPrimitives.WriteInt32LittleEndian(req, i);
                BinaryPrimitives.WriteInt32LittleEndian(req.AsSpan(4), i * 7 + 1);
                var resp = await client.RequestAsync(req, 10_000).ConfigureAwait(false);
                if (resp.Length != 19 || resp[0] != 'o' || resp[1] != 'k' || resp[2] != ':' || !resp.AsSpan(3).SequenceEqual(req))
                    throw new InvalidDataException($"request {i}: got a response that is not its own ({Convert.ToHexString(resp)})");
                Interlocked.Increment(ref matched);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker))).ConfigureAwait(false);
        io.Emit("done", new { matched, ms = sw.Elapsed.TotalMilliseconds, allocatedBytes = GC.GetTotalAllocatedBytes(precise: true) });
        string? remote = null;
        try
        {
            await client.RequestAsync("fail"u8.ToArray(), 5000).ConfigureAwait(false);
        }
        catch (TwinmapException e) when (e.Code == TwinmapErrorCode.Remote)
        {
            remote = e.Message;
        }
        io.Emit("remote-error", new { message = remote });
        return 0;
    }
}
