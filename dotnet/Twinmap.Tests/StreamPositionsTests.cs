using DecodeException = Twinmap.Formats.DecodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// Where a stream is when an instance first uses it (ts/gen/fixtures/features/stream_positions.ksy,
// generated into Features/): the same input, access order and expected values as the TypeScript
// test, which checks them against Kaitai's parser.
public class StreamPositionsTests
{
    private static readonly byte[] Sample = Convert.FromHexString("0301ee020a0b0c0d778899");

    [Fact]
    public void InstancesReadWhereTheirSharedStreamIsWhenFirstUsed()
    {
        var v = StreamPositions.Decode(Sample);
        Assert.Equal(3, v.LenHeader);
        Assert.Equal((3, 1), (v.Header.Len, v.Header.Flags));
        Assert.Equal([0xee], v.Header.Rest);
        Assert.Equal([(0x0a, 0x0b, 4L), (0x0c, 0x0d, 6L)], v.Records.Select(r => ((int)r.Kind, (int)r.Tag.Value, r.StartOfs)));
        Assert.Equal(8, v.Records[0].LaterOfs);
        Assert.Equal(0x77, v.NextByte);
        Assert.Equal([0x88, 0x99], v.Records.Select(r => (int)r.Tag.Peek));
        Assert.True(v.AtEnd);
        Assert.Equal([(ushort)0x9988], v.Tail);
        Assert.Equal([8L, 11L], v.Records.Select(r => r.LaterOfs));
    }

    [Fact]
    public void AnInstanceWithoutPosAtTheEndOfItsStreamFailsWithADecodeException()
    {
        var v = StreamPositions.Decode(Sample.AsSpan(0, 8));
        var e = Assert.Throws<DecodeException>(() => v.NextByte);
        Assert.Equal("StreamPositions.nextByte", e.FieldPath);
        Assert.Equal(8, e.Offset);
    }
}
