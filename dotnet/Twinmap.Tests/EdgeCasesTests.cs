using Twinmap.Formats;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// Corners of Kaitai's semantics (ts/gen/fixtures/features/edge_cases.ksy), generated into
// Features/. The bytes were written by the generated TypeScript codec for the same value, so
// both languages read and write them alike.
public class EdgeCasesTests
{
    // text = U+FEFF "hi", kind 2 (no switch case), a = 1, b = 5 (count -4), 64-bit enum value.
    private const string Hex =
        "0300000000000000010203efbbbf6869000201050909090909ffffffffffffff7f01020304fffe0506090000000a000b040404040404040404040400000000000101010101020202020261620020202020200102ffff41420a7700783b656e64";

    private static EdgeCases Sample() => new()
    {
        Blob = [1, 2, 3],
        Text = "\uFEFFhi",
        Kind = 2,
        A = 1,
        B = 5,
        Items = [],
        Grid = [9, 9, 9, 9, 9],
        BigCode = BigCode.AllButTop,
        Nested = new BePair { Hi = 0x01020304, Lo = -2, Inner = new InheritsBe { V = 0x0506 } },
        Slot = new Slot { Offset = 9, Read_ = 10, Bytes = 11 },
        Tail = [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4],
        Records = [new byte[5], [1, 1, 1, 1, 1], [2, 2, 2, 2, 2]],
        Name = "ab",
        Padded = [1, 2],
        Line = [65, 66],
        Word = "w\0",
        LastItem = "x",
        Note = "end",
    };

    [Fact]
    public void DecodesLikeKaitai()
    {
        var v = EdgeCases.Decode(Convert.FromHexString(Hex));
        Assert.Equal("\uFEFFhi", v.Text);
        Assert.Null(v.Body);
        Assert.Empty(v.Items);
        Assert.Equal(BigCode.AllButTop, v.BigCode);
        Assert.Equal(0x7fffffffffffffffUL, (ulong)v.BigCode);
        Assert.Equal(0x01020304u, v.Nested.Hi);
        Assert.Equal(0x0506, v.Nested.Inner.V);
        Assert.Equal(10, v.Slot.Read_);
        Assert.Equal(11, v.Tail.Length);
        Assert.Equal("ab", v.Name);
        Assert.Equal(new byte[] { 1, 2 }, v.Padded);
        Assert.Equal("w\0", v.Word);
        Assert.Equal("x", v.LastItem);
        Assert.Equal(new byte[] { 2, 2, 2, 2, 2 }, v.Records[2]);
    }

    [Fact]
    public void EncodesTheSameBytesAsTheTypeScriptCodec()
    {
        Assert.Equal(Hex, Convert.ToHexString(Sample().Encode()).ToLowerInvariant());
    }

    [Fact]
    public void ASwitchCaseThatMatchesNeedsItsValue()
    {
        var v = Sample();
        v.Kind = 1;
        Assert.Equal("EdgeCases.body", Assert.Throws<EncodeException>(() => v.Encode()).FieldPath);
        v.Body = new Xy { X = 1, Y = 2 };
        Assert.Equal(1, Assert.IsType<Xy>(EdgeCases.Decode(v.Encode()).Body).X);
    }

    [Fact]
    public void AnOversized64BitLengthIsADecodeException()
    {
        var bytes = Convert.FromHexString(Hex);
        Array.Fill(bytes, (byte)0xff, 0, 8);
        Assert.Equal("EdgeCases.lenBlob", Assert.Throws<DecodeException>(() => EdgeCases.Decode(bytes)).FieldPath);
    }
}
