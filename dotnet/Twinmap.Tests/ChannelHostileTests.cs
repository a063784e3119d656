using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Twinmap.Tests;

// A peer's garbage in shared memory is bad input: a hostile "peer" scribbles random values over
// the channel's header words and ring while a reader and a writer keep using it (.NET 10, one
// process, the same scenario as ts/channel/channel-hostile.test.ts). Every call must end with a
// value or a TwinmapException within its timeout: no crash, no hang, no other exception.
public sealed class ChannelHostileTests : IDisposable
{
    private const int Header = 1024;
    private const int Capacity = 4096;
    private readonly List<string> _names = [];

    private string Unique()
    {
        var n = $"twinmap-xunit-hostile-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}";
        _names.Add(n);
        return n;
    }

    public void Dispose()
    {
        foreach (var n in _names) Channel.Unlink(n);
    }

    private static void Attempt(string what, Action op, Dictionary<string, int> codes)
    {
        try
        {
            op();
        }
        catch (TwinmapException e)
        {
            codes[e.Code] = codes.GetValueOrDefault(e.Code) + 1;
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{what}: untyped {e.GetType().Name}: {e.Message}");
        }
    }

    [Fact]
    public void RandomScribblesGiveOnlyValuesAndTypedErrors()
    {
        var codes = new Dictionary<string, int>();
        var options = new ChannelOptions { Capacity = Capacity, SpinMicros = 0, PeerCheckMs = 5 };
        for (int round = 0; round < 200; round++)
        {
            var rnd = new Random(0x7a11 + round); // seeded: a failing round can be replayed
            var name = Unique();
            var rx = Channel.Create(name, options);
            var tx = Channel.Open(name, options);
            var peer = SharedMap.Open(name);
            var words = MemoryMarshal.Cast<byte, uint>(peer.GetSpan(0, Header + Capacity));
            try
            {
                for (int step = 0; step < 12; step++)
                {
                    for (int k = 1 + rnd.Next(3); k > 0; k--)
                    {
                        int index = rnd.NextDouble() < 0.75 ? rnd.Next(Header / 4) : Header / 4 + rnd.Next(Capacity / 4);
                        double choice = rnd.NextDouble();
                        words[index] = choice < 0.3 ? 0 : choice < 0.5 ? uint.MaxValue : choice < 0.7 ? (uint)rnd.Next(2 * Capacity) : (uint)rnd.NextInt64(1L << 32);
                    }
                    var data = new byte[rnd.Next(Capacity / 2)];
                    Array.Fill(data, (byte)step);
                    Attempt("Send", () => tx.Send(data, 15), codes);
                    Attempt("TrySend", () => tx.TrySend(new byte[8]), codes);
                    Attempt("Receive", () => rx.Receive(15), codes);
                    Attempt("TryReceiveView", () => rx.TryReceiveView(0, out _), codes);
                    Attempt("CheckPeers", () => rx.CheckPeers(), codes);
                }
            }
            finally
            {
                Attempt("Dispose tx", tx.Dispose, codes);
                Attempt("Dispose rx", rx.Dispose, codes);
                peer.Dispose();
            }
        }
        // The scribbles must have hit the checks, or this test proves nothing.
        Assert.True(codes.GetValueOrDefault(TwinmapErrorCode.BadHeader) > 0, string.Join(", ", codes.Select(kv => $"{kv.Key}={kv.Value}")));
    }
}
