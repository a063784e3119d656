// Codec rates of two Kaitai gallery specs in C# (Windows SYSTEMTIME, binary STL): the generated
// codecs next to hand-written BinaryPrimitives code, as the TS rows of bench/codec-more.ts do.
// bench/codec-cs-gallery.ts generates the specs' C# into a temporary project with this file and
// dotnet/Twinmap.Peer/Commands/Bench/CodecTiming.cs (the Peer's timing loop) and runs it:
//   GalleryCodecBench <records> <pairs>  →  one {event: "rate", ...} JSON line per row.
using System;
using System.Buffers.Binary;
using System.Text.Json;
using Gallery;
using Twinmap.Bench;

static class GalleryCodecBench
{
    private static long _sink;

    private static CodecTiming Timing = null!;

    public static int Main(string[] args)
    {
        int records = args.Length > 0 ? int.Parse(args[0]) : 1_000_000;
        int pairs = args.Length > 1 ? int.Parse(args[1]) : 15;
        Timing = new CodecTiming(pairs, r => Console.WriteLine(JsonSerializer.Serialize(new { @event = "rate", record = r.Record, op = r.Op, impl = r.Impl, recordsPerSec = r.RecordsPerSec, pairs = r.Pairs })));
        SystemtimeRows(records);
        StlRows(Math.Max(500, records >> 6));
        return _sink == 42 ? 1 : 0;
    }

    // ---- Windows SYSTEMTIME: eight uint16, 16 bytes (the same values as the TS rows)

    private static WindowsSystemtime SampleSystemtime(int i) => new()
    {
        Year = 2026, Month = 12, Dow = 1, Day = 7,
        Hour = (ushort)(i % 24), Min = (ushort)(i % 60), Sec = (ushort)((i >> 6) % 60), Msec = (ushort)(i % 1000),
    };

    private static long Sum(in WindowsSystemtime v) => v.Year + v.Month + v.Dow + v.Day + v.Hour + v.Min + v.Sec + v.Msec;

    private static WindowsSystemtime ReadSystemtime(ReadOnlySpan<byte> b) => new()
    {
        Year = BinaryPrimitives.ReadUInt16LittleEndian(b),
        Month = BinaryPrimitives.ReadUInt16LittleEndian(b[2..]),
        Dow = BinaryPrimitives.ReadUInt16LittleEndian(b[4..]),
        Day = BinaryPrimitives.ReadUInt16LittleEndian(b[6..]),
        Hour = BinaryPrimitives.ReadUInt16LittleEndian(b[8..]),
        Min = BinaryPrimitives.ReadUInt16LittleEndian(b[10..]),
        Sec = BinaryPrimitives.ReadUInt16LittleEndian(b[12..]),
        Msec = BinaryPrimitives.ReadUInt16LittleEndian(b[14..]),
    };

    private static void WriteSystemtime(Span<byte> b, in WindowsSystemtime v)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(b, v.Year);
        BinaryPrimitives.WriteUInt16LittleEndian(b[2..], v.Month);
        BinaryPrimitives.WriteUInt16LittleEndian(b[4..], v.Dow);
        BinaryPrimitives.WriteUInt16LittleEndian(b[6..], v.Day);
        BinaryPrimitives.WriteUInt16LittleEndian(b[8..], v.Hour);
        BinaryPrimitives.WriteUInt16LittleEndian(b[10..], v.Min);
        BinaryPrimitives.WriteUInt16LittleEndian(b[12..], v.Sec);
        BinaryPrimitives.WriteUInt16LittleEndian(b[14..], v.Msec);
    }

    private static void SystemtimeRows(int records)
    {
        const string record = "gallery WindowsSystemtime";
        const int size = WindowsSystemtime.SIZE;
        var bytes = new byte[records * size];
        for (int i = 0; i < records; i++) SampleSystemtime(i).EncodeInto(bytes.AsSpan(i * size));
        Timing.Group(record, "decode", records, ("hand-written BinaryPrimitives", () =>
        {
            long s = 0;
            for (int i = 0; i < records; i++) s += Sum(ReadSystemtime(bytes.AsSpan(i * size, size)));
            _sink += s;
        }),
        ("twinmap C# Decode", () =>
        {
            long s = 0;
            for (int i = 0; i < records; i++) s += Sum(WindowsSystemtime.Decode(bytes.AsSpan(i * size)));
            _sink += s;
        }));
        var values = new WindowsSystemtime[1024];
        for (int i = 0; i < values.Length; i++) values[i] = SampleSystemtime(i);
        var outBytes = new byte[bytes.Length];
        Timing.Group(record, "encode", records, ("hand-written BinaryPrimitives", () =>
        {
            for (int i = 0; i < records; i++) WriteSystemtime(outBytes.AsSpan(i * size, size), in values[i & 1023]);
        }),
        ("twinmap C# EncodeInto", () =>
        {
            for (int i = 0; i < records; i++) values[i & 1023].EncodeInto(outBytes.AsSpan(i * size));
        }));
    }

    // ---- binary STL: 80-byte header, a count, 50-byte triangles (20 per record, as the TS rows)

    private static Stl SampleStl()
    {
        var header = new byte[80];
        for (int i = 0; i < 80; i++) header[i] = (byte)(i < 16 ? 0x61 + i : 0x20);
        var triangles = new Triangle[20];
        for (int i = 0; i < triangles.Length; i++)
        {
            var t = new Triangle { Normal = new Vec3d { X = 0, Y = 0, Z = 1 }, Abr = (ushort)(i & 7) };
            t.Vertices[0] = new Vec3d { X = i, Y = 0, Z = 0 };
            t.Vertices[1] = new Vec3d { X = i + 1, Y = 0, Z = 0 };
            t.Vertices[2] = new Vec3d { X = i, Y = 1, Z = 0.5f };
            triangles[i] = t;
        }
        return new Stl { Header = header, Triangles = triangles };
    }

    private static Vec3d ReadVec(ReadOnlySpan<byte> b) => new()
    {
        X = BinaryPrimitives.ReadSingleLittleEndian(b),
        Y = BinaryPrimitives.ReadSingleLittleEndian(b[4..]),
        Z = BinaryPrimitives.ReadSingleLittleEndian(b[8..]),
    };

    private static void WriteVec(Span<byte> b, in Vec3d v)
    {
        BinaryPrimitives.WriteSingleLittleEndian(b, v.X);
        BinaryPrimitives.WriteSingleLittleEndian(b[4..], v.Y);
        BinaryPrimitives.WriteSingleLittleEndian(b[8..], v.Z);
    }

    private static Stl ReadStl(byte[] b, ref int p)
    {
        var header = b.AsSpan(p, 80).ToArray();
        var triangles = new Triangle[BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(p + 80))];
        p += 84;
        for (int i = 0; i < triangles.Length; i++, p += 50)
        {
            var s = b.AsSpan(p, 50);
            var t = new Triangle { Normal = ReadVec(s), Abr = BinaryPrimitives.ReadUInt16LittleEndian(s[48..]) };
            for (int k = 0; k < 3; k++) t.Vertices[k] = ReadVec(s[(12 + 12 * k)..]);
            triangles[i] = t;
        }
        return new Stl { Header = header, Triangles = triangles };
    }

    private static int WriteStl(Stl v, Span<byte> b)
    {
        v.Header.CopyTo(b);
        BinaryPrimitives.WriteUInt32LittleEndian(b[80..], (uint)v.Triangles.Length);
        int p = 84;
        foreach (ref readonly var t in v.Triangles.AsSpan())
        {
            var s = b.Slice(p, 50);
            WriteVec(s, t.Normal);
            for (int k = 0; k < 3; k++) WriteVec(s[(12 + 12 * k)..], t.Vertices[k]);
            BinaryPrimitives.WriteUInt16LittleEndian(s[48..], t.Abr);
            p += 50;
        }
        return p;
    }

    private static void StlRows(int n)
    {
        const string record = "gallery Stl";
        var stl = SampleStl();
        var one = stl.Encode();
        var bytes = new byte[n * one.Length];
        for (int i = 0; i < n; i++) one.CopyTo(bytes, i * one.Length);
        Timing.Group(record, "decode", n, ("hand-written BinaryPrimitives", () =>
        {
            long s = 0;
            int off = 0;
            for (int i = 0; i < n; i++) s += ReadStl(bytes, ref off).Triangles.Length;
            _sink += s;
        }),
        ("twinmap C# Decode", () =>
        {
            long s = 0;
            int off = 0;
            for (int i = 0; i < n; i++)
            {
                s += Stl.Decode(bytes.AsSpan(off), out int read).Triangles.Length;
                off += read;
            }
            _sink += s;
        }));
        var outBytes = new byte[bytes.Length];
        Timing.Group(record, "encode", n, ("hand-written BinaryPrimitives", () =>
        {
            int off = 0;
            for (int i = 0; i < n; i++) off += WriteStl(stl, outBytes.AsSpan(off));
        }),
        ("twinmap C# EncodeInto", () =>
        {
            int off = 0;
            for (int i = 0; i < n; i++) off += stl.EncodeInto(outBytes.AsSpan(off));
        }));
    }
}
