using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Twinmap.Bench;
using Twinmap.Examples.Formats;

namespace Twinmap.Peer.Commands;

/// <summary>
/// Codec rates for bench/codec.ts: decode and encode of each example record (TestData, ImageData,
/// MyDataStructure, HikingDatabase) with the generated C# codecs, MemoryMarshal (TestData is
/// blittable) and hand-written BinaryPrimitives code, in paired alternating trials against the
/// hand-written code (dotnet/Twinmap.Peer/Commands/Bench/CodecTiming.cs, shared with the gallery's C# rows).
///   codec-bench records=N pairs=P → one {event: "rate", record, op, impl, recordsPerSec, pairs} per line
/// </summary>
public sealed class CodecBenchCommand : IPeerCommand
{
    public string Name => "codec-bench";

    private static long _sink;

    public int Run(PeerArgs args, PeerIO io)
    {
        int records = args.GetInt("records", 1_000_000);
        var timing = new CodecTiming(args.GetInt("pairs", 15), r => io.Emit("rate", new { record = r.Record, op = r.Op, impl = r.Impl, recordsPerSec = r.RecordsPerSec, pairs = r.Pairs }));

        // Calls of a few ms each (a trial is the fastest of five): TestData's 48-byte records take
        // ~10x as long as MyDataStructure's 8 bytes, ImageData and the hiking database more.
        int tdRecords = Math.Max(10_000, records >> 3);
        var td = new byte[tdRecords * TestData.SIZE];
        for (int i = 0; i < tdRecords; i++)
        {
            var v = new TestData { Id = i, Age = i & 127 };
            for (int k = 0; k < 10; k++) v.Scores[k] = k + i;
            v.EncodeInto(td.AsSpan(i * TestData.SIZE));
        }
        timing.Group("TestData", "decode", tdRecords, ("hand-written BinaryPrimitives", () =>
        {
            long s = 0;
            for (int i = 0; i < tdRecords; i++)
            {
                var b = td.AsSpan(i * 48, 48);
                var scores = new int[10];
                for (int k = 0; k < 10; k++) scores[k] = BinaryPrimitives.ReadInt32LittleEndian(b[(8 + 4 * k)..]);
                s += BinaryPrimitives.ReadInt32LittleEndian(b) + BinaryPrimitives.ReadInt32LittleEndian(b[4..]) + scores[9];
            }
            _sink += s;
        }),
        ("twinmap C# Decode", () =>
        {
            long s = 0;
            for (int i = 0; i < tdRecords; i++) s += TestData.Decode(td.AsSpan(i * TestData.SIZE)).Age;
            _sink += s;
        }),
        ("MemoryMarshal.Read<TestData>", () =>
        {
            long s = 0;
            for (int i = 0; i < tdRecords; i++) s += MemoryMarshal.Read<TestData>(td.AsSpan(i * TestData.SIZE)).Age;
            _sink += s;
        }));
        var sample = new TestData { Id = 1, Age = 2 };
        var outTd = new byte[tdRecords * 48];
        int[] plainScores = new int[10];
        timing.Group("TestData", "encode", tdRecords, ("hand-written BinaryPrimitives", () =>
        {
            for (int i = 0; i < tdRecords; i++)
            {
                var b = outTd.AsSpan(i * 48, 48);
                BinaryPrimitives.WriteInt32LittleEndian(b, 1);
                BinaryPrimitives.WriteInt32LittleEndian(b[4..], 2);
                for (int k = 0; k < 10; k++) BinaryPrimitives.WriteInt32LittleEndian(b[(8 + 4 * k)..], plainScores[k]);
            }
        }),
        ("twinmap C# EncodeInto", () =>
        {
            for (int i = 0; i < tdRecords; i++) sample.EncodeInto(outTd.AsSpan(i * 48));
        }),
        ("MemoryMarshal.Write<TestData>", () =>
        {
            for (int i = 0; i < tdRecords; i++) MemoryMarshal.Write(outTd.AsSpan(i * 48), in sample);
        }));

        int n = Math.Max(1000, records >> 5);
        var image = new ImageData { Path = @"C:\Users\ada\Pictures\img_0001.png", Image = Enumerable.Range(0, 256).Select(i => (byte)(i * 7)).ToArray() };
        var img = Repeat(image.Encode(), n);
        timing.Group("ImageData", "decode", n, ("hand-written BinaryPrimitives", () =>
        {
            long s = 0;
            int off = 0;
            for (int i = 0; i < n; i++)
            {
                int lp = BinaryPrimitives.ReadInt32LittleEndian(img.AsSpan(off));
                string path = Encoding.UTF8.GetString(img, off + 4, lp);
                int li = BinaryPrimitives.ReadInt32LittleEndian(img.AsSpan(off + 4 + lp));
                byte[] data = img.AsSpan(off + 8 + lp, li).ToArray();
                off += 8 + lp + li;
                s += data.Length + path.Length;
            }
            _sink += s;
        }),
        ("twinmap C# Decode", () =>
        {
            long s = 0;
            int off = 0;
            for (int i = 0; i < n; i++)
            {
                s += ImageData.Decode(img.AsSpan(off), out int read).Image.Length;
                off += read;
            }
            _sink += s;
        }));
        var imgOut = new byte[img.Length];
        timing.Group("ImageData", "encode", n, ("hand-written BinaryPrimitives", () =>
        {
            int off = 0;
            for (int i = 0; i < n; i++)
            {
                int lp = Encoding.UTF8.GetBytes(image.Path, imgOut.AsSpan(off + 4));
                BinaryPrimitives.WriteInt32LittleEndian(imgOut.AsSpan(off), lp);
                BinaryPrimitives.WriteInt32LittleEndian(imgOut.AsSpan(off + 4 + lp), image.Image.Length);
                image.Image.CopyTo(imgOut.AsSpan(off + 8 + lp));
                off += 8 + lp + image.Image.Length;
            }
        }),
        ("twinmap C# EncodeInto", () =>
        {
            int off = 0;
            for (int i = 0; i < n; i++) off += image.EncodeInto(imgOut.AsSpan(off));
        }));
        MyDataStructureRows(timing, records);
        HikingRows(timing, Math.Max(200, records >> 8));
        return _sink == 42 ? 1 : 0;
    }

    /// <summary>The encoded record <paramref name="one"/>, <paramref name="n"/> times back to back: what the decode rows of a variable-size record walk.</summary>
    private static byte[] Repeat(byte[] one, int n)
    {
        var all = new byte[n * one.Length];
        for (int i = 0; i < n; i++) one.CopyTo(all, i * one.Length);
        return all;
    }

    private static void MyDataStructureRows(CodecTiming timing, int records)
    {
        var bytes = new byte[records * MyDataStructure.SIZE];
        for (int i = 0; i < records; i++) new MyDataStructure { MyValueA = i, MyValueB = -i }.EncodeInto(bytes.AsSpan(i * 8));
        timing.Group("MyDataStructure", "decode", records, ("hand-written BinaryPrimitives", () =>
        {
            long s = 0;
            for (int i = 0; i < records; i++)
            {
                var b = bytes.AsSpan(i * 8, 8);
                s += BinaryPrimitives.ReadInt32LittleEndian(b) + BinaryPrimitives.ReadInt32LittleEndian(b[4..]);
            }
            _sink += s;
        }),
        ("twinmap C# Decode", () =>
        {
            long s = 0;
            for (int i = 0; i < records; i++)
            {
                var v = MyDataStructure.Decode(bytes.AsSpan(i * 8));
                s += v.MyValueA + v.MyValueB;
            }
            _sink += s;
        }));
        var sample = new MyDataStructure { MyValueA = 1, MyValueB = 2 };
        var outBytes = new byte[bytes.Length];
        timing.Group("MyDataStructure", "encode", records, ("hand-written BinaryPrimitives", () =>
        {
            for (int i = 0; i < records; i++)
            {
                var b = outBytes.AsSpan(i * 8, 8);
                BinaryPrimitives.WriteInt32LittleEndian(b, sample.MyValueA);
                BinaryPrimitives.WriteInt32LittleEndian(b[4..], sample.MyValueB);
            }
        }),
        ("twinmap C# EncodeInto", () =>
        {
            for (int i = 0; i < records; i++) sample.EncodeInto(outBytes.AsSpan(i * 8));
        }));
    }

    // The same hiking database as the TS rows (bench/codec-more.ts): 4 hikes of 25 GPS points.
    private static HikingDatabase SampleHiking() => new()
    {
        Description = "Hikes around the lake, summer 2026",
        Hikes = Enumerable.Range(0, 4).Select(h => new Hike
        {
            Date = $"2026-07-{10 + h}",
            Description = $"Loop {h + 1}: ridge path and back by the shore",
            GpsTrack = Enumerable.Range(0, 25).Select(i => new Coord { X = 8.5 + i * 1e-4, Y = 47.3 + h * 1e-3, Z = 400 + i }).ToArray(),
        }).ToArray(),
    };

    private static void HikingRows(CodecTiming timing, int n)
    {
        var db = SampleHiking();
        var bytes = Repeat(db.Encode(), n);
        timing.Group("HikingDatabase", "decode", n, ("hand-written BinaryPrimitives", () =>
        {
            long s = 0;
            int off = 0;
            for (int i = 0; i < n; i++)
            {
                var v = ReadHiking(bytes, ref off);
                s += v.Hikes.Length;
            }
            _sink += s;
        }),
        ("twinmap C# Decode", () =>
        {
            long s = 0;
            int off = 0;
            for (int i = 0; i < n; i++)
            {
                s += HikingDatabase.Decode(bytes.AsSpan(off), out int read).Hikes.Length;
                off += read;
            }
            _sink += s;
        }));
        var outBytes = new byte[bytes.Length];
        timing.Group("HikingDatabase", "encode", n, ("hand-written BinaryPrimitives", () =>
        {
            int off = 0;
            for (int i = 0; i < n; i++) off += WriteHiking(db, outBytes.AsSpan(off));
        }),
        ("twinmap C# EncodeInto", () =>
        {
            int off = 0;
            for (int i = 0; i < n; i++) off += db.EncodeInto(outBytes.AsSpan(off));
        }));
    }

    private static HikingDatabase ReadHiking(byte[] b, ref int p)
    {
        int ld = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(p));
        string description = Encoding.UTF8.GetString(b, p + 4, ld);
        p += 4 + ld;
        var hikes = new Hike[BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(p))];
        p += 4;
        for (int h = 0; h < hikes.Length; h++)
        {
            int la = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(p));
            string date = Encoding.UTF8.GetString(b, p + 2, la);
            p += 2 + la;
            int lds = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(p));
            string desc = Encoding.UTF8.GetString(b, p + 4, lds);
            p += 4 + lds;
            var track = new Coord[BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(p))];
            p += 4;
            for (int i = 0; i < track.Length; i++, p += 24)
            {
                var s = b.AsSpan(p, 24);
                track[i] = new Coord { X = BinaryPrimitives.ReadDoubleLittleEndian(s), Y = BinaryPrimitives.ReadDoubleLittleEndian(s[8..]), Z = BinaryPrimitives.ReadDoubleLittleEndian(s[16..]) };
            }
            hikes[h] = new Hike { Date = date, Description = desc, GpsTrack = track };
        }
        return new HikingDatabase { Description = description, Hikes = hikes };
    }

    private static int WriteHiking(HikingDatabase v, Span<byte> b)
    {
        int p = 0;
        int ld = Encoding.UTF8.GetBytes(v.Description, b[(p + 4)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(b[p..], (uint)ld);
        p += 4 + ld;
        BinaryPrimitives.WriteUInt32LittleEndian(b[p..], (uint)v.Hikes.Length);
        p += 4;
        foreach (var h in v.Hikes)
        {
            int la = Encoding.UTF8.GetBytes(h.Date, b[(p + 2)..]);
            BinaryPrimitives.WriteUInt16LittleEndian(b[p..], (ushort)la);
            p += 2 + la;
            int lds = Encoding.UTF8.GetBytes(h.Description, b[(p + 4)..]);
            BinaryPrimitives.WriteUInt32LittleEndian(b[p..], (uint)lds);
            p += 4 + lds;
            BinaryPrimitives.WriteUInt32LittleEndian(b[p..], (uint)h.GpsTrack.Length);
            p += 4;
            foreach (var c in h.GpsTrack)
            {
                var s = b.Slice(p, 24);
                BinaryPrimitives.WriteDoubleLittleEndian(s, c.X);
                BinaryPrimitives.WriteDoubleLittleEndian(s[8..], c.Y);
                BinaryPrimitives.WriteDoubleLittleEndian(s[16..], c.Z);
                p += 24;
            }
        }
        return p;
    }
}
