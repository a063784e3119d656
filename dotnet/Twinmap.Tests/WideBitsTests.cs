using EncodeException = Twinmap.Formats.EncodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// Bit-sized integers wider than 32 bits (ts/gen/fixtures/features/wide_bits.ksy), generated into
// Features/: exact as ulong. The bytes are the ones ts/gen/wide-bits.test.ts checks against
// Kaitai's parser.
public class WideBitsTests
{
    [Fact]
    public void ReadsAndWritesThemExactly()
    {
        const string hex = "ffffffffffffffff" + "fedcba9876543210" + "0504030201" + "99aabbccddeeff";
        var v = WideBits.Decode(Convert.FromHexString(hex));
        Assert.Equal(0x7fffUL, v.Exponent);
        Assert.Equal((1UL << 49) - 1, v.Significand);
        Assert.Equal(0xfedcba9876543210UL, v.Full);
        Assert.Equal(0x0102030405UL, v.Low);
        Assert.Equal(0xffeeddccbbaa99UL, v.WideLow);
        Assert.Equal(15L, v.SignificandTop);
        Assert.Equal(hex, Convert.ToHexString(v.Encode()).ToLowerInvariant());
    }

    [Fact]
    public void RefusesAValueThatDoesNotFitNamingTheField()
    {
        var v = WideBits.Decode(new byte[WideBits.SIZE]);
        v.Significand = 1UL << 49;
        Assert.Contains("significand", Assert.Throws<EncodeException>(() => v.Encode()).Message);
        v.Significand = 0;
        v.WideLow = 1UL << 56;
        Assert.Contains("wideLow", Assert.Throws<EncodeException>(() => v.Encode()).Message);
    }
}
