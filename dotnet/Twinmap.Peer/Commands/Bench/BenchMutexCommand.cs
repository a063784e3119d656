using System.Diagnostics;

namespace Twinmap.Peer.Commands;

/// <summary>
/// The bench's .NET side for named-mutex rates, with the BCL's <see cref="Mutex"/> as an
/// unmodified .NET app uses it. Stepped over stdin, one line per step:
///   "uncontended N"  lock + unlock N times alone (after N/10 unmeasured) -> {"event":"result","pairs":N,"ns":...}
///   "contended MS"   lock + unlock for MS ms (the bench starts Node on the same name at once)
///                                                  -> {"event":"result","pairs":...,"ns":...}
///   Twinmap.Peer bench-mutex name=NAME
/// </summary>
public sealed class BenchMutexCommand : IPeerCommand
{
    public string Name => "bench-mutex";

    public int Run(PeerArgs args, PeerIO io)
    {
        using var mutex = new Mutex(false, args.Get("name"));
        io.Emit("ready", new { pid = Environment.ProcessId, dotnet = Environment.Version.ToString() });
        while (io.WaitLine() is { } line)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !long.TryParse(parts[1], out long amount))
            {
                io.Emit("error", new { type = "UsageError", message = $"bench-mutex: bad step '{line}'" });
                continue;
            }
            var clock = Stopwatch.StartNew();
            long pairs = 0;
            if (parts[0] == "uncontended")
            {
                for (long i = 0; i < amount / 10; i++) // warm-up (JIT tiers), not measured
                {
                    mutex.WaitOne();
                    mutex.ReleaseMutex();
                }
                clock.Restart();
                for (; pairs < amount; pairs++)
                {
                    mutex.WaitOne();
                    mutex.ReleaseMutex();
                }
            }
            else
            {
                long until = Stopwatch.GetTimestamp() + amount * Stopwatch.Frequency / 1000;
                do
                {
                    for (int i = 0; i < 64; i++)
                    {
                        try
                        {
                            mutex.WaitOne();
                        }
                        catch (AbandonedMutexException)
                        {
                            // acquired all the same; the other side was killed mid-hold
                        }
                        mutex.ReleaseMutex();
                    }
                    pairs += 64;
                } while (Stopwatch.GetTimestamp() < until);
            }
            double ns = clock.Elapsed.TotalNanoseconds;
            io.Emit("result", new { pairs, ns, nsPerPair = ns / pairs });
        }
        return 0;
    }
}
