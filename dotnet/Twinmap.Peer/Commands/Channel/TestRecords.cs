using System.Buffers.Binary;

namespace Twinmap.Peer.Commands;

/// <summary>
/// The records channel tests send, built the same way as ts/test-support/channel-records.ts:
/// size >= 12: [writer u4][seq u4][fnv1a32 of bytes 12.. u4] then filler (seq + i) &amp; 0xff;
/// size &lt; 12 (single-writer runs only): bytes (seq * 31 + i * 7 + writer) &amp; 0xff.
/// </summary>
public static class TestRecords
{
    public const int HeaderSize = 12;

    /// <summary>xorshift32: the size sequence a writer uses (same in TS).</summary>
    public sealed class Sizes(uint seed, int minSize, int maxSmall, int maxLarge)
    {
        private uint _s = seed == 0 ? 0x9e3779b9 : seed;

        private uint Next()
        {
            _s ^= _s << 13;
            _s ^= _s >> 17;
            _s ^= _s << 5;
            return _s;
        }

        /// <summary>99 % small (minSize..maxSmall), 1 % large (up to maxLarge).</summary>
        public int NextSize()
        {
            uint r = Next();
            if (r % 100 == 0) return minSize + (int)(Next() % (uint)(maxLarge - minSize + 1));
            return minSize + (int)(Next() % (uint)(maxSmall - minSize + 1));
        }
    }

    public static uint Fnv1a(ReadOnlySpan<byte> data)
    {
        uint h = 0x811c9dc5;
        foreach (var b in data)
        {
            h ^= b;
            h *= 0x01000193;
        }
        return h;
    }

    public static void Fill(Span<byte> buf, int writer, uint seq)
    {
        if (buf.Length < HeaderSize)
        {
            for (int i = 0; i < buf.Length; i++) buf[i] = (byte)(seq * 31 + (uint)i * 7 + (uint)writer);
            return;
        }
        BinaryPrimitives.WriteInt32LittleEndian(buf, writer);
        BinaryPrimitives.WriteUInt32LittleEndian(buf[4..], seq);
        var body = buf[HeaderSize..];
        for (int i = 0; i < body.Length; i++) body[i] = (byte)(seq + (uint)i);
        BinaryPrimitives.WriteUInt32LittleEndian(buf[8..], Fnv1a(body));
    }

    /// <summary>Checks one record; returns (writer, seq) or throws with what is wrong.</summary>
    public static (int Writer, uint Seq) Check(ReadOnlySpan<byte> rec, int expectWriterForTiny, uint expectSeqForTiny)
    {
        if (rec.Length < HeaderSize)
        {
            for (int i = 0; i < rec.Length; i++)
                if (rec[i] != (byte)(expectSeqForTiny * 31 + (uint)i * 7 + (uint)expectWriterForTiny))
                    throw new InvalidDataException($"tiny record of {rec.Length} bytes does not match seq {expectSeqForTiny} at byte {i}");
            return (expectWriterForTiny, expectSeqForTiny);
        }
        int writer = BinaryPrimitives.ReadInt32LittleEndian(rec);
        uint seq = BinaryPrimitives.ReadUInt32LittleEndian(rec[4..]);
        uint sum = BinaryPrimitives.ReadUInt32LittleEndian(rec[8..]);
        uint actual = Fnv1a(rec[HeaderSize..]);
        if (sum != actual) throw new InvalidDataException($"torn record: writer {writer} seq {seq} size {rec.Length}: checksum {sum:x8} != {actual:x8}");
        return (writer, seq);
    }
}
