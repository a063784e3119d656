using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// Value instances with an `if`, used by other expressions (ts/gen/fixtures/features/guarded_values.ksy,
// generated into Features/). The values are the ones Kaitai's parser computes for the same bytes
// (ts/gen/guarded-values.test.ts).
public class GuardedValuesTests
{
    [Fact]
    public void ComputesGuardedInstancesOnlyWhereTheirConditionHolds()
    {
        var v = GuardedValues.Decode(Convert.FromHexString("800301aabbcc0700ff"));
        Assert.Equal((3L, 3L, true), (v.LenBody!.Value, v.Extra!.Value, v.HasPoint));
        Assert.Equal((7L, 7L), (v.PointX, v.KeptX));
        Assert.Equal(7, v.ThePoint!.Value.X);
        Assert.Equal(new byte[] { 0xaa, 0xbb, 0xcc }, v.Body);

        var s = GuardedValues.Decode(Convert.FromHexString("0302aabb0102"));
        Assert.Equal((2L, false, 0L, 0L), (s.LenBody!.Value, s.HasPoint, s.PointX, s.KeptX));
        Assert.Null(s.Extra);
        Assert.Null(s.ThePoint);
        Assert.Equal(2, s.Chars.Length);

        var none = GuardedValues.Decode(Convert.FromHexString("ff0001020304"));
        Assert.Null(none.LenBody);
        Assert.Null(none.Body);
        Assert.Equal(3, none.Chars.Length);
    }

    [Fact]
    public void SizesElementsByAChoiceOfConstants()
    {
        Assert.Equal(2, GuardedValues.Decode(Convert.FromHexString("0001aa01020304")).Chars.Length);
        Assert.Throws<Twinmap.Formats.DecodeException>(() => GuardedValues.Decode(Convert.FromHexString("fe000105")));
    }
}
