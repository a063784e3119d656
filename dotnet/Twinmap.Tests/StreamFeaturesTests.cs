using DecodeException = Twinmap.Formats.DecodeException;
using EncodeException = Twinmap.Formats.EncodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// Bit-sized integers and text encodings (ts/gen/fixtures/features/bit_fields.ksy and
// text_encodings.ksy), generated into Features/. The bytes were written by the generated
// TypeScript codec for the same values (which Kaitai's parser reads back in the TS conformance
// tests), so both languages read and write them alike.
public class StreamFeaturesTests
{
    private const string BitsHex = "b300320102038480070011300000450420c467";
    private const string TextHex = "066800e900164e6100620063006400d83dde00007a0000006f006b0000000000636166e9ff0003eff0e872e9";

    private static BitFields Bits() => new()
    {
        Version = 5,
        HasExtra = true,
        Kind = Kind.Three,
        LenPayload = 3,
        NumFlags = 2,
        Payload = [1, 2, 3],
        Flags = [true, false],
        Extra = 9,
        Counter = 7,
        LePart = new LeBits { Low = 1, Mid = 2, High = 3, Mixed = 4, Last = 5 },
        Packed = [1, 2, 3, 4],
        Tail = [6, 7],
    };

    private static TextEncodings Text() => new()
    {
        Wide = "h\u00e9\u4e16",
        FixedWide = "abcd",
        Big = "\U0001F600z",
        BoxedBig = "ok",
        Latin = "caf\u00e9\u00ff",
        Cyrillic = "\u043f\u0440\u0438",
        Rest = "r\u00e9",
    };

    [Fact]
    public void BitFieldsReadAndWriteLikeTheTypeScriptCodec()
    {
        var v = BitFields.Decode(Convert.FromHexString(BitsHex));
        Assert.True(v.HasExtra);
        Assert.Equal(Kind.Three, v.Kind);
        Assert.Equal(new[] { true, false }, v.Flags);
        Assert.Equal(9UL, v.Extra);
        Assert.Equal(new ulong[] { 1, 2, 3, 5, 4 }, new[] { v.LePart.Low, v.LePart.Mid, v.LePart.High, v.LePart.Last, v.LePart.Mixed });
        Assert.Equal(new ulong[] { 6, 7 }, v.Tail);
        Assert.Equal(BitsHex, Convert.ToHexString(Bits().Encode()).ToLowerInvariant());
    }

    [Fact]
    public void BitFieldsRefuseValuesThatDoNotFitOrReadBack()
    {
        var wide = Bits();
        wide.Counter = 1;
        wide.LePart.Mid = 512; // b9
        Assert.Contains("does not fit in 9 bits", Assert.Throws<EncodeException>(() => wide.Encode()).Message);
        var odd = Bits();
        odd.Tail = [1, 2, 3]; // b4 to the end: a half byte would read as one more element
        Assert.Contains("bits of its last byte unused", Assert.Throws<EncodeException>(() => odd.Encode()).Message);
    }

    [Fact]
    public void TextEncodingsReadAndWriteLikeTheTypeScriptCodec()
    {
        var v = TextEncodings.Decode(Convert.FromHexString(TextHex));
        Assert.Equal("h\u00e9\u4e16", v.Wide);
        Assert.Equal("\U0001F600z", v.Big);
        Assert.Equal("caf\u00e9\u00ff", v.Latin);
        Assert.Equal("\u043f\u0440\u0438", v.Cyrillic);
        Assert.Equal(TextHex, Convert.ToHexString(Text().Encode()).ToLowerInvariant());
    }

    [Fact]
    public void TextEncodingsRefuseCharactersTheEncodingLacks()
    {
        var v = Text();
        v.Latin = "\u20ac";
        Assert.Contains("cannot be ISO-8859-1", Assert.Throws<EncodeException>(() => v.Encode()).Message);
        Assert.Throws<DecodeException>(() => TextEncodings.Decode(Convert.FromHexString("0368006500")));
    }
}
