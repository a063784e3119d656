using System.Diagnostics;

namespace Twinmap.Peer.Commands;

/// <summary>The channel of a command's name=.. argument: created with capacity=.. when create=1, else opened.</summary>
internal static class ChannelArgs
{
    public static Channel OpenOrCreate(PeerArgs args)
    {
        string name = args.Get("name");
        return args.Get("create", "0") == "1" ? Channel.Create(name, new ChannelOptions { Capacity = args.GetInt("capacity") }) : Channel.Open(name);
    }
}

/// <summary>
/// channel-send name=.. count=N writer=W seed=S minSize=1 maxSmall=256 maxLarge=.. timeoutMs=T [create=1 capacity=C] [batch=B]
/// Sends N test records (TestRecords) and reports {sent, bytes, ms}; "progress" every 2^16 records.
/// batch=B: SendMany of B records at a time.
/// </summary>
public sealed class ChannelSendCommand : IPeerCommand
{
    public string Name => "channel-send";

    public int Run(PeerArgs args, PeerIO io)
    {
        using var ch = ChannelArgs.OpenOrCreate(args);
        long count = args.GetLong("count");
        int writer = args.GetInt("writer", 0);
        int timeout = args.GetInt("timeoutMs", 30_000);
        var sizes = new TestRecords.Sizes((uint)args.GetLong("seed", 1), args.GetInt("minSize", 1), args.GetInt("maxSmall", 256), args.GetInt("maxLarge", ch.MaxMessageSize));
        var buf = new byte[ch.MaxMessageSize];
        io.Emit("ready", new { pid = Environment.ProcessId, capacity = ch.Capacity });
        if (args.Get("wait", "0") == "1") io.WaitLine();
        var sw = Stopwatch.StartNew();
        long bytes = 0;
        int batch = args.GetInt("batch", 0);
        if (batch > 0)
        {
            var list = new List<byte[]>(batch);
            for (long i = 0; i < count;)
            {
                list.Clear();
                for (int k = 0; k < batch && i < count; k++, i++)
                {
                    var rec = new byte[sizes.NextSize()];
                    TestRecords.Fill(rec, writer, (uint)i);
                    list.Add(rec);
                    bytes += rec.Length;
                }
                ch.SendMany(list, timeout);
            }
            io.Emit("done", new { sent = count, bytes, ms = sw.Elapsed.TotalMilliseconds });
            return 0;
        }
        for (long i = 0; i < count; i++)
        {
            int size = sizes.NextSize();
            var rec = buf.AsSpan(0, size);
            TestRecords.Fill(rec, writer, (uint)i);
            ch.Send(rec, timeout);
            bytes += size;
            if ((i & 0xffff) == 0xffff) io.Emit("progress", new { sent = i + 1 });
        }
        io.Emit("done", new { sent = count, bytes, ms = sw.Elapsed.TotalMilliseconds });
        return 0;
    }
}

/// <summary>
/// channel-receive name=.. count=N writers=W [create=1 capacity=C] [view=1] [batch=B] timeoutMs=T
/// Receives N test records from W writers (ids 0..W-1), checking each (checksum, per-writer order).
/// batch=B: ReceiveMany of up to B records at a time (with view=1: ReceiveViews and ReceiveMany in turn).
/// </summary>
public sealed class ChannelReceiveCommand : IPeerCommand
{
    public string Name => "channel-receive";

    public int Run(PeerArgs args, PeerIO io)
    {
        using var ch = ChannelArgs.OpenOrCreate(args);
        long count = args.GetLong("count");
        int writers = args.GetInt("writers", 1);
        int timeout = args.GetInt("timeoutMs", 30_000);
        bool view = args.Get("view", "0") == "1";
        var next = new uint[Math.Max(writers, 1)];
        ch.TryReceive(); // attach as the reader before anyone sends (nothing is there yet)
        io.Emit("ready", new { pid = Environment.ProcessId, capacity = ch.Capacity });
        var sw = Stopwatch.StartNew();
        long bytes = 0;
        int batch = args.GetInt("batch", 0);
        void Accept(ReadOnlySpan<byte> rec)
        {
            var (w, s) = TestRecords.Check(rec, 0, writers == 1 ? next[0] : 0);
            if (w < 0 || w >= next.Length) throw new InvalidDataException($"record from unknown writer {w}");
            if (s != next[w]) throw new InvalidDataException($"writer {w}: got seq {s}, expected {next[w]} ({(s < next[w] ? "duplicate" : "lost records")})");
            next[w]++;
            bytes += rec.Length;
        }
        if (batch > 0)
        {
            for (long i = 0, calls = 0; i < count; calls++)
            {
                int max = (int)Math.Min(batch, count - i);
                int n;
                if (view && calls % 2 == 0)
                {
                    var views = ch.ReceiveViews(max, timeout);
                    foreach (var rec in views) Accept(rec);
                    n = views.Count;
                }
                else
                {
                    var got = ch.ReceiveMany(max, timeout);
                    foreach (var rec in got) Accept(rec);
                    n = got.Count;
                }
                if (n == 0) throw new TimeoutException($"record {i} of {count} did not come within {timeout} ms");
                i += n;
            }
            io.Emit("done", new { received = count, bytes, ms = sw.Elapsed.TotalMilliseconds });
            return 0;
        }
        for (long i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> rec;
            byte[]? copy = null;
            if (view)
            {
                if (!ch.TryReceiveView(timeout, out rec)) throw new TimeoutException($"record {i} of {count} did not come within {timeout} ms");
            }
            else
            {
                copy = ch.Receive(timeout) ?? throw new TimeoutException($"record {i} of {count} did not come within {timeout} ms");
                rec = copy;
            }
            var (w, s) = TestRecords.Check(rec, 0, writers == 1 ? next[0] : 0);
            if (w < 0 || w >= next.Length) throw new InvalidDataException($"record from unknown writer {w}");
            if (s != next[w]) throw new InvalidDataException($"writer {w}: got seq {s}, expected {next[w]} ({(s < next[w] ? "duplicate" : "lost records")})");
            next[w]++;
            bytes += rec.Length;
        }
        io.Emit("done", new { received = count, bytes, ms = sw.Elapsed.TotalMilliseconds });
        return 0;
    }
}

/// <summary>channel-echo in=.. out=.. count=N: receives from `in`, sends each record back on `out`.</summary>
public sealed class ChannelEchoCommand : IPeerCommand
{
    public string Name => "channel-echo";

    public int Run(PeerArgs args, PeerIO io)
    {
        using var input = Channel.Open(args.Get("in"));
        using var output = Channel.Open(args.Get("out"));
        long count = args.GetLong("count");
        input.TryReceive();
        io.Emit("ready");
        for (long i = 0; i < count; i++)
        {
            if (!input.TryReceiveView(30_000, out var rec)) throw new TimeoutException($"echo: record {i} did not come");
            output.Send(rec, 30_000);
        }
        io.Emit("done");
        return 0;
    }
}

/// <summary>channel-idle name=..: the reader of an empty channel, waiting; reports what it got when stdin says "quit".</summary>
public sealed class ChannelIdleCommand : IPeerCommand
{
    public string Name => "channel-idle";

    public int Run(PeerArgs args, PeerIO io)
    {
        using var ch = Channel.Open(args.Get("name"));
        ch.TryReceive();
        int got = 0;
        ch.Received += (_, _) => Interlocked.Increment(ref got);
        ch.StartReceiving();
        io.Emit("ready", new { pid = Environment.ProcessId });
        io.WaitLine();
        ch.StopReceiving();
        io.Emit("done", new { got });
        return 0;
    }
}

/// <summary>
/// channel-watch name=..: the reader of a channel whose writers come and go (and get killed):
/// checks every record (TestRecords, per-writer order, writer ids from the records), reports each
/// dead writer it notices as "gone" {pid, heldLock} and each writer's first record as "first"
/// {writer}; on the stdin line "writers" reports "writers" {pids} (<see cref="Channel.Writers"/>:
/// the writers it judges alive), on "quit" reports "done".
/// </summary>
public sealed class ChannelWatchCommand : IPeerCommand
{
    public string Name => "channel-watch";

    public int Run(PeerArgs args, PeerIO io)
    {
        using var ch = Channel.Open(args.Get("name"), new ChannelOptions { PeerCheckMs = args.GetInt("peerCheckMs", 50) });
        ch.PeerGoneDetected += (_, g) => io.Emit("gone", new { pid = g.Pid, heldLock = g.HeldLock });
        ch.TryReceive();
        var next = new Dictionary<int, uint>();
        long received = 0;
        var quit = false;
        var stdin = new Thread(() =>
        {
            while (io.WaitLine() is { } line && line != "quit")
            {
                if (line == "writers") io.Emit("writers", new { pids = ch.Writers() });
            }
            Volatile.Write(ref quit, true);
        }) { IsBackground = true };
        stdin.Start();
        io.Emit("ready", new { pid = Environment.ProcessId });
        while (!Volatile.Read(ref quit))
        {
            var rec = ch.Receive(100);
            if (rec is null) continue;
            var (w, s) = TestRecords.Check(rec, -1, 0);
            uint want = next.GetValueOrDefault(w);
            if (!next.ContainsKey(w)) io.Emit("first", new { writer = w });
            if (s != want) throw new InvalidDataException($"writer {w}: got seq {s}, expected {want} ({(s < want ? "duplicate" : "lost records")})");
            next[w] = want + 1;
            received++;
        }
        io.Emit("done", new { received, writers = next.Count });
        return 0;
    }
}
