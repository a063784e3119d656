using EncodeException = Twinmap.Formats.EncodeException;
using DecodeException = Twinmap.Formats.DecodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// Seq entries without an id (ts/gen/fixtures/features/unnamed_entries.ksy), generated into
// Features/: kept from Decode (internal, not part of the public value) and written back by Encode;
// a value built without them writes zeros. The bytes are the ones ts/gen/unnamed-entries.test.ts
// checks against Kaitai's parser.
public class UnnamedEntriesTests
{
    [Fact]
    public void WritesBackWhatItReadIncludingTheUnnamedEntries()
    {
        var input = Convert.FromHexString("021234b1beef07aa");
        var v = UnnamedEntries.Decode(input);
        Assert.Equal((byte)2, v.LenPad);
        Assert.Equal(5UL, v.Mode);
        Assert.Equal((byte)7, v.Tail);
        Assert.Equal(input, v.Encode());
    }

    [Fact]
    public void WritesZerosForAValueBuiltWithoutThem()
    {
        var v = new UnnamedEntries { LenPad = 3, Mode = 7, Tail = 1 };
        Assert.Equal("030000e000000001aa", Convert.ToHexString(v.Encode()).ToLowerInvariant());
        Assert.Contains("_unnamed4", Assert.Throws<DecodeException>(() => UnnamedEntries.Decode(Convert.FromHexString("05123400"))).Message);
        Assert.Throws<EncodeException>(() => v.EncodeInto(new byte[5]));
    }

    [Fact]
    public void AnUnnamedSizedStringIsWrittenBackOrAsNuls()
    {
        var input = Convert.FromHexString("32303236030a0b");
        var v = Stamp.Decode(input);
        Assert.Equal((byte)3, v.Day);
        Assert.Equal(11L, v.Mark);
        Assert.Equal(input, v.Encode());
        Assert.Equal("00000000040102", Convert.ToHexString(new Stamp { Day = 4, Marks = [1, 2] }.Encode()).ToLowerInvariant());
    }
}
