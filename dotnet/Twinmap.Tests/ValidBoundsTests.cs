using DecodeException = Twinmap.Formats.DecodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// `valid` bounds over other fields, a rule naming the field itself, and `valid` on a parse instance
// (ts/gen/fixtures/features/valid_bounds.ksy, generated into Features/). Kaitai's parser accepts and
// refuses the same bytes (ts/gen/valid-bounds.test.ts).
public class ValidBoundsTests
{
    [Theory]
    [InlineData("03020480")]
    [InlineData("09020400")]
    public void AcceptsValuesWithinTheirComputedBounds(string hex)
    {
        var v = ValidBounds.Decode(Convert.FromHexString(hex));
        Assert.Equal((byte)ValidBoundsKind.V2, v.First);
    }

    [Theory]
    [InlineData("03040480", "minVersion")]
    [InlineData("03020780", "len")]
    [InlineData("04020180", "len")]
    [InlineData("09020480", "hasMore")]
    public void RefusesValuesOutsideThemNamingTheField(string hex, string field)
    {
        var e = Assert.Throws<DecodeException>(() => ValidBounds.Decode(Convert.FromHexString(hex)));
        Assert.Contains(field, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ChecksAnInstanceWhenItIsRead()
    {
        var v = ValidBounds.Decode(Convert.FromHexString("03030480"));
        Assert.Contains("first", Assert.Throws<DecodeException>(() => v.First).Message, StringComparison.OrdinalIgnoreCase);
    }
}
