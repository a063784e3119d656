using System.Diagnostics;
using System.IO.MemoryMappedFiles;

namespace Twinmap.Peer.Commands;

/// <summary>event-wait name=.. count=N timeoutMs=T [async=1]: waits N times, reporting each result.</summary>
public sealed class EventWaitCommand : IPeerCommand
{
    public string Name => "event-wait";

    public int Run(PeerArgs args, PeerIO io)
    {
        using var ev = NamedEvent.Open(args.Get("name"));
        int count = args.GetInt("count", 1);
        int timeout = args.GetInt("timeoutMs", 10_000);
        bool useAsync = args.Get("async", "0") == "1";
        io.Emit("ready", new { autoReset = ev.AutoReset });
        for (int i = 0; i < count; i++)
        {
            bool signalled = useAsync ? ev.WaitAsync(timeout).GetAwaiter().GetResult() : ev.Wait(timeout);
            io.Emit("waited", new { signalled });
        }
        return 0;
    }
}

/// <summary>event-set name=..: sets the event each time the test sends a line; ends on "quit".</summary>
public sealed class EventSetCommand : IPeerCommand
{
    public string Name => "event-set";

    public int Run(PeerArgs args, PeerIO io)
    {
        using var ev = NamedEvent.Open(args.Get("name"));
        io.Emit("ready");
        while (io.WaitLine() is { } line && line != "quit")
        {
            if (line == "reset") ev.Reset();
            else ev.Set();
            io.Emit("done", new { line });
        }
        return 0;
    }
}

/// <summary>event-pong ping=.. pong=.. count=N: N times, waits on ping and sets pong (round-trip partner).</summary>
public sealed class EventPongCommand : IPeerCommand
{
    public string Name => "event-pong";

    public int Run(PeerArgs args, PeerIO io)
    {
        using var ping = NamedEvent.Open(args.Get("ping"));
        using var pong = NamedEvent.Open(args.Get("pong"));
        int count = args.GetInt("count");
        io.Emit("ready");
        for (int i = 0; i < count; i++)
        {
            if (!ping.Wait(10_000)) throw new TimeoutException($"no ping {i} within 10 s");
            pong.Set();
        }
        io.Emit("done");
        return 0;
    }
}

/// <summary>
/// atomic-add path=.. count=N: Interlocked.Increment N times on the first word of a file, to
/// show that both sides' atomics on one mapping are really atomic (none lost).
/// </summary>
public sealed unsafe class AtomicAddCommand : IPeerCommand
{
    public string Name => "atomic-add";

    public int Run(PeerArgs args, PeerIO io)
    {
        using var file = MemoryMappedFile.CreateFromFile(args.Get("path"), FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
        using var view = file.CreateViewAccessor(0, 4096);
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        int* word = (int*)(p + view.PointerOffset);
        long count = args.GetLong("count");
        io.Emit("ready");
        io.WaitLine();
        var sw = Stopwatch.StartNew();
        for (long i = 0; i < count; i++) Interlocked.Increment(ref *word);
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        io.Emit("done", new { ms = sw.Elapsed.TotalMilliseconds });
        return 0;
    }
}
