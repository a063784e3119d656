using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;

namespace Twinmap.Peer.Commands;

/// <summary>
/// The bench's .NET side for twinmap channels (the same protocol as bench/channel-side.ts). A pair
/// is two channels, req (client to server) and resp (server to client); a one-byte record sets the
/// server's mode: 'e' echo, 's' sink (a zero-length record asks for [u64 records][u64 bytes]), 'i' idle.
///   Twinmap.Peer bench-channel role=server req=NAME resp=NAME spin=MICROS capacity=BYTES [batch=B]
///   Twinmap.Peer bench-channel role=client req=NAME resp=NAME spin=MICROS
/// The client reads the harness's JSON steps ({"op":"rtt"|"oneway"|"idle-begin"|"idle-end",...})
/// and answers each with {"event":"result",...}.
/// </summary>
public sealed class BenchChannelCommand : IPeerCommand
{
    public string Name => "bench-channel";

    private static readonly double[] Percentiles = [0, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100];

    public int Run(PeerArgs args, PeerIO io)
    {
        var options = new ChannelOptions { SpinMicros = args.GetInt("spin", 50), Capacity = args.GetInt("capacity", 8 << 20) };
        string role = args.Get("role");
        if (role == "server") return Serve(args.Get("req"), args.Get("resp"), options, io, args.GetInt("batch", 0));
        if (role == "client") return Client(args.Get("req"), args.Get("resp"), options, io);
        throw new ArgumentException($"role={role}: expected server or client");
    }

    private static int Serve(string reqName, string respName, ChannelOptions options, PeerIO io, int batch)
    {
        if (batch > 0) return ServeBatches(reqName, respName, options, io, batch);
        using var req = Channel.Create(reqName, options);
        using var resp = Channel.Create(respName, options);
        io.Emit("ready", new { pid = Environment.ProcessId, dotnet = Environment.Version.ToString() });
        int mode = 0;
        long records = 0, bytes = 0;
        Span<byte> totals = stackalloc byte[16];
        for (;;)
        {
            if (!req.TryReceiveView(Timeout.Infinite, out var m)) continue;
            if (m.Length == 1)
            {
                mode = m[0];
            }
            else if (mode == 'e')
            {
                resp.Send(m);
            }
            else if (m.Length == 0)
            {
                BinaryPrimitives.WriteInt64LittleEndian(totals, records);
                BinaryPrimitives.WriteInt64LittleEndian(totals[8..], bytes);
                resp.Send(totals);
                records = bytes = 0;
            }
            else
            {
                records++;
                bytes += m.Length;
            }
        }
    }

    /// <summary>The same server taking records with ReceiveViews (batch=B): views, up to B per call, as the server above takes views one by one.</summary>
    private static int ServeBatches(string reqName, string respName, ChannelOptions options, PeerIO io, int batch)
    {
        using var req = Channel.Create(reqName, options);
        using var resp = Channel.Create(respName, options);
        io.Emit("ready", new { pid = Environment.ProcessId, dotnet = Environment.Version.ToString() });
        int mode = 0;
        long records = 0, bytes = 0;
        var totals = new byte[16];
        for (;;)
        {
            foreach (var m in req.ReceiveViews(batch))
            {
                if (m.Length == 1) mode = m[0];
                else if (mode == 'e') resp.Send(m);
                else if (m.Length == 0)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(totals, records);
                    BinaryPrimitives.WriteInt64LittleEndian(totals.AsSpan(8), bytes);
                    resp.Send(totals);
                    records = bytes = 0;
                }
                else
                {
                    records++;
                    bytes += m.Length;
                }
            }
        }
    }

    private sealed record Step(string Op, int Size = 64, int N = 100_000, int Warmup = 5_000, int Ms = 1000, double MaxMs = double.PositiveInfinity);

    private static int Client(string reqName, string respName, ChannelOptions options, PeerIO io)
    {
        using var req = Channel.Open(reqName, options);
        using var resp = Channel.Open(respName, options);
        io.Emit("ready", new { pid = Environment.ProcessId, dotnet = Environment.Version.ToString() });
        CancellationTokenSource? idle = null;
        var json = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        while (io.WaitLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var step = JsonSerializer.Deserialize<Step>(line, json) ?? throw new ArgumentException($"bad step '{line}'");
            switch (step.Op)
            {
                case "rtt":
                    io.Emit("result", new { latency = RoundTrips(req, resp, step.Size, step.N, step.Warmup, step.MaxMs) });
                    break;
                case "oneway":
                    io.Emit("result", new { throughput = OneWay(req, resp, step.Size, step.Ms) });
                    break;
                case "idle-begin":
                    req.Send([(byte)'i']);
                    idle = new CancellationTokenSource();
                    _ = resp.ReceiveAsync(Timeout.Infinite, idle.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                    io.Emit("result");
                    break;
                case "idle-end":
                    idle?.Cancel();
                    idle = null;
                    io.Emit("result");
                    break;
                default:
                    io.Emit("error", new { type = "UsageError", message = $"unknown step '{step.Op}'" });
                    break;
            }
        }
        return 0;
    }

    private static object RoundTrips(Channel req, Channel resp, int size, int n, int warmup, double maxMs)
    {
        req.Send([(byte)'e']);
        var payload = new byte[size];
        payload.AsSpan().Fill(0x5a);
        var samples = new double[n];
        double tickNs = 1e9 / Stopwatch.Frequency;
        long first = 0;
        int i = -warmup;
        for (; i < n; i++)
        {
            if (i == 0) first = Stopwatch.GetTimestamp();
            long start = Stopwatch.GetTimestamp();
            if (i > 0 && (i & 1023) == 0 && (start - first) * tickNs > maxMs * 1e6) break; // out of time
            req.Send(payload);
            if (!resp.TryReceiveView(Timeout.Infinite, out var back)) throw new InvalidOperationException("no echo");
            long end = Stopwatch.GetTimestamp();
            if (back.Length != size) throw new InvalidDataException($"echo returned {back.Length} bytes for a {size}-byte record");
            if (i >= 0) samples[i] = (end - start) * tickNs;
        }
        double total = (Stopwatch.GetTimestamp() - first) * tickNs;
        n = Math.Max(i, 0);
        Array.Resize(ref samples, n);
        Array.Sort(samples);
        return new
        {
            n,
            perSecond = n * 1e9 / total,
            meanNs = samples.Average(),
            percentiles = Percentiles.Select(p => new[] { p, samples[(int)Math.Round(p / 100 * (n - 1))] }).ToArray(),
        };
    }

    private static object OneWay(Channel req, Channel resp, int size, int ms)
    {
        req.Send([(byte)'s']);
        var payload = new byte[size];
        payload.AsSpan().Fill(0x5a);
        long sent = 0;
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < ms)
        {
            for (int k = 0; k < 64; k++) req.Send(payload);
            sent += 64;
        }
        req.Send([]);
        var totals = resp.Receive() ?? throw new InvalidOperationException("no totals");
        double seconds = clock.Elapsed.TotalSeconds;
        long messages = BinaryPrimitives.ReadInt64LittleEndian(totals);
        if (messages != sent) throw new InvalidDataException($"sink counted {messages} records, {sent} were sent");
        return new { bytes = size, messages, seconds, messagesPerSecond = messages / seconds, gbPerSecond = messages * (double)size / seconds / 1e9 };
    }
}
