using System.Diagnostics;
using System.Text.Json;
using Twinmap.Examples.Formats;
using Twinmap.Formats;

namespace Twinmap.Peer.Commands;

/// <summary>
/// Mutation fuzzing of the generated C# decoders (the same mutations as tools/fuzz/fuzz.ts):
///   codec-fuzz seeds=FILE iterations=N [seed=S]
/// FILE is JSON {"TypeName": ["hex of a valid encoding", ...]}. For each type it emits
/// {event: "fuzzed", name, iterations, decoded, decodeErrors, crashes, crashSamples, slowestMs, over50ms, seconds}.
/// A crash is any exception other than DecodeException.
/// </summary>
public sealed class CodecFuzzCommand : IPeerCommand
{
    public string Name => "codec-fuzz";

    private delegate void Decoder(ReadOnlySpan<byte> bytes);

    private static readonly Dictionary<string, Decoder> Decoders = new()
    {
        ["MyDataStructure"] = b => MyDataStructure.Decode(b),
        ["TestData"] = b => TestData.Decode(b),
        ["ImageData"] = b => ImageData.Decode(b),
        ["HikingDatabase"] = b => HikingDatabase.Decode(b),
        ["JsonRecord"] = b => JsonRecord.Decode(b),
        ["EventHeader"] = b => EventHeader.Decode(b),
        ["ChannelHeader"] = b => ChannelHeader.Decode(b),
        ["RecordFrame"] = b => RecordFrame.Decode(b),
        ["IpcMessage"] = b => IpcMessage.Decode(b),
        ["WindowsSidecar"] = b => WindowsSidecar.Decode(b),
    };

    public int Run(PeerArgs args, PeerIO io)
    {
        var seeds = JsonSerializer.Deserialize<Dictionary<string, string[]>>(File.ReadAllText(args.Get("seeds")))!;
        long iterations = args.GetLong("iterations");
        uint rngSeed = (uint)args.GetLong("seed", 1);
        foreach (var (name, hexes) in seeds)
        {
            if (!Decoders.TryGetValue(name, out var decode))
            {
                io.Emit("skipped", new { name, reason = "no decoder registered in CodecFuzzCommand" });
                continue;
            }
            var inputs = hexes.Select(Convert.FromHexString).ToArray();
            var rng = new Rng(rngSeed);
            long decoded = 0, decodeErrors = 0, crashes = 0, over50ms = 0;
            double slowest = 0;
            var samples = new List<object>();
            var total = Stopwatch.StartNew();
            for (long i = 0; i < iterations; i++)
            {
                var input = Mutate(inputs[rng.Below(inputs.Length)], rng);
                long start = Stopwatch.GetTimestamp();
                try
                {
                    decode(input);
                    decoded++;
                }
                catch (DecodeException)
                {
                    decodeErrors++;
                }
                catch (Exception e)
                {
                    crashes++;
                    if (samples.Count < 5) samples.Add(new { input = Convert.ToHexString(input), error = e.ToString() });
                }
                double took = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                slowest = Math.Max(slowest, took);
                if (took > 50) over50ms++;
            }
            io.Emit("fuzzed", new { name, iterations, decoded, decodeErrors, crashes, crashSamples = samples, slowestMs = slowest, over50ms, seconds = total.Elapsed.TotalSeconds });
        }
        return 0;
    }

    private sealed class Rng(uint seed)
    {
        private uint _s = seed == 0 ? 0x9e3779b9 : seed;

        public uint Next()
        {
            uint x = _s;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            _s = x;
            return x;
        }

        public int Below(int n) => n <= 0 ? 0 : (int)(Next() % (uint)n);
    }

    private static readonly uint[] Interesting = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe];

    private static byte[] Mutate(byte[] seed, Rng rng)
    {
        var b = (byte[])seed.Clone();
        int ops = 1 + rng.Below(4);
        for (int k = 0; k < ops; k++)
        {
            switch (rng.Below(8))
            {
                case 0:
                    if (b.Length > 0) b[rng.Below(b.Length)] ^= (byte)(1 << rng.Below(8));
                    break;
                case 1:
                    if (b.Length > 0) b[rng.Below(b.Length)] = (byte)rng.Below(256);
                    break;
                case 2:
                    if (b.Length >= 4)
                    {
                        int at = rng.Below(b.Length - 3);
                        uint v = Interesting[rng.Below(Interesting.Length)];
                        if (rng.Below(2) == 0) System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(at), v);
                        else System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);
                    }
                    break;
                case 3:
                    b = b[..rng.Below(b.Length + 1)];
                    break;
                case 4:
                {
                    var extra = new byte[1 + rng.Below(16)];
                    for (int i = 0; i < extra.Length; i++) extra[i] = (byte)rng.Below(256);
                    b = [.. b, .. extra];
                    break;
                }
                case 5:
                    if (b.Length >= 2)
                    {
                        int from = rng.Below(b.Length);
                        int len = 1 + rng.Below(Math.Min(16, b.Length - from));
                        int to = rng.Below(b.Length);
                        len = Math.Min(len, b.Length - to);
                        b.AsSpan(from, len).CopyTo(b.AsSpan(to));
                    }
                    break;
                case 6:
                    if (b.Length > 0)
                    {
                        byte fill = (byte)(rng.Below(2) == 1 ? 0xff : 0);
                        int s = rng.Below(b.Length), e = rng.Below(b.Length + 1);
                        if (e > s) b.AsSpan(s, e - s).Fill(fill);
                    }
                    break;
                default:
                    if (b.Length > 0)
                    {
                        int i = rng.Below(b.Length);
                        b[i] = (byte)(b[i] + (rng.Below(2) == 1 ? 1 : 255));
                    }
                    break;
            }
        }
        return b;
    }
}
