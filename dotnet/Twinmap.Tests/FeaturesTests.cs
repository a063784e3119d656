using System.Text;
using Twinmap.Formats;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// Every supported spec feature (ts/gen/fixtures/features/envelope.ksy: switch, import, strz,
// big-endian, 64-bit, valid, if, a sized user type, repeat eos), generated into Features/.
// The expected bytes were produced by the generated TypeScript codec for the same value, so
// this also checks that both languages write the same bytes. .NET 10.
public class FeaturesTests
{
    private const string FileEnvelopeHex =
        "544502130000000d006469722fc3bc6ec3af2e747874010203ff6869000102030405060708fffe0000c03f010007000000f9ffffff0000000001610002626305fffffffffeffffff";

    private static Envelope Sample() => new()
    {
        MsgType = MessageType.File,
        Body = new PathRecord { Path = "dir/ünï.txt", Content = [1, 2, 3, 255] },
        Note = "hi",
        Big = 0x0102030405060708,
        Small = -2,
        Ratio = 1.5f,
        Pair = new Point { X = 7, Y = -7 },
        Tags = [new Tag { Name = "a", Flag = 0 }, new Tag { Name = "bc", Flag = 5, Extra = -4294967297 }],
    };

    [Fact]
    public void EncodesTheSameBytesAsTheTypeScriptCodec()
    {
        Assert.Equal(FileEnvelopeHex, Convert.ToHexString(Sample().Encode()).ToLowerInvariant());
    }

    [Fact]
    public void DecodesEveryFeature()
    {
        var e = Envelope.Decode(Convert.FromHexString(FileEnvelopeHex));
        var body = Assert.IsType<PathRecord>(e.Body);
        Assert.Equal("dir/ünï.txt", body.Path);
        Assert.Equal(new byte[] { 1, 2, 3, 255 }, body.Content);
        Assert.Equal("hi", e.Note);
        Assert.Equal(0x0102030405060708UL, e.Big);
        Assert.Equal(-7, e.Pair.Y);
        Assert.Null(e.Tags[0].Extra);
        Assert.Equal(-4294967297, e.Tags[1].Extra);
    }

    [Fact]
    public void UnmatchedSwitchCaseKeepsRawBytes()
    {
        var v = Sample();
        v.MsgType = MessageType.Ping;
        v.Body = new byte[] { 9, 9 };
        var back = Envelope.Decode(v.Encode());
        Assert.Equal(new byte[] { 9, 9 }, Assert.IsType<byte[]>(back.Body));
    }

    [Fact]
    public void SpecValidationsAreDecodeExceptions()
    {
        var bytes = Convert.FromHexString(FileEnvelopeHex);
        bytes[2] = 9; // msg_type not in the enum
        var e = Assert.Throws<DecodeException>(() => Envelope.Decode(bytes));
        Assert.Equal("Envelope.msgType", e.FieldPath);
        Assert.Equal(2, e.Offset);
        bytes = Convert.FromHexString(FileEnvelopeHex);
        bytes[0] = (byte)'X';
        Assert.Equal("Envelope.magic", Assert.Throws<DecodeException>(() => Envelope.Decode(bytes)).FieldPath);
        var wrongBody = Sample();
        wrongBody.Body = new Point();
        Assert.Equal("Envelope.body", Assert.Throws<EncodeException>(() => wrongBody.Encode()).FieldPath);
        Assert.Equal(Encoding.UTF8.GetByteCount("dir/ünï.txt") + 6, ((PathRecord)Sample().Body!).EncodedSize());
    }
}
