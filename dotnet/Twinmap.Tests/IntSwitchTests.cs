using EncodeException = Twinmap.Formats.EncodeException;
using DecodeException = Twinmap.Formats.DecodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// Switches whose cases are integers (ts/gen/fixtures/features/int_switch.ksy), generated into
// Features/. The bytes are the ones the TypeScript codec writes for the same values (which
// Kaitai's parser reads back in ts/gen/int-switch.test.ts).
public class IntSwitchTests
{
    [Theory]
    [InlineData("fffffffffe01fffd", 0xff, -2L, 1, -3L, -2L)]
    [InlineData("fe02010200000007", 0xfe, 0x0102L, 2, 7L, (0xfe << 8 | 0x0102) - 0xc000L)]
    [InlineData("810509", 0x81, 5L, 9, null, (0x81 << 8 | 5) - 0xc000L)]
    [InlineData("1009", 0x10, null, 9, null, 0x10L)]
    public void ReadsAndWritesTheIntegerTypeTheSwitchValueSelects(string hex, int first, long? more, int kind, long? extra, long value)
    {
        var v = IntSwitch.Decode(Convert.FromHexString(hex));
        Assert.Equal((byte)first, v.First);
        Assert.Equal(more, v.More);
        Assert.Equal(kind, (int)v.Kind);
        Assert.Equal(extra, v.Extra);
        Assert.Equal(value, v.Value);
        Assert.Equal(hex, Convert.ToHexString(v.Encode()).ToLowerInvariant());
    }

    [Fact]
    public void RefusesAValueTheSelectedCaseCannotHoldNamingTheField()
    {
        var tooBig = new IntSwitch { First = 0x81, More = 256, Kind = IntSwitchKind.Short, Extra = 0 };
        Assert.Contains("more", Assert.Throws<EncodeException>(() => tooBig.Encode()).Message);
        var noCase = new IntSwitch { First = 0x10, Kind = (IntSwitchKind)9, Extra = 4 };
        Assert.Contains("no case matches", Assert.Throws<EncodeException>(() => noCase.Encode()).Message);
        Assert.Contains("more", Assert.Throws<DecodeException>(() => IntSwitch.Decode([0xff, 1, 2])).Message);
    }
}
