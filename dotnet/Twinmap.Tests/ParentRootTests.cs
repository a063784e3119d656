using EncodeException = Twinmap.Formats.EncodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// _parent and _root in nested types (ts/gen/fixtures/features/parent_root.ksy, generated into
// Features/): the bytes the TypeScript codec writes for the same values, which Kaitai's parser
// reads back in the TS test.
public class ParentRootTests
{
    private const string Hex = "020202010a0b05020c0d0601030e0f";

    [Fact]
    public void NestedTypesReadSizesFromTheRootAndConditionsFromTheParent()
    {
        var v = ParentRoot.Decode(Convert.FromHexString(Hex));
        Assert.Equal(2, v.Unit);
        Assert.Equal([(byte?)5, 6], v.Groups[0].Items.Select(i => i.Extra));
        Assert.Null(v.Groups[1].Items[0].Extra);
        Assert.Equal([2L, 4L], v.Groups[0].Items.Select(i => i.Scaled));
        Assert.Equal([2L, 2L], v.Groups[0].Items.Select(i => i.GroupSize));
        Assert.Equal(Hex, Convert.ToHexString(v.Encode()).ToLowerInvariant());
    }

    [Fact]
    public void DataThatDoesNotMatchTheRootsSizeIsNotWritten()
    {
        var v = ParentRoot.Decode(Convert.FromHexString(Hex));
        v.Groups[1].Items[0].Data = [1, 2, 3];
        var e = Assert.Throws<EncodeException>(() => v.Encode());
        Assert.Contains("data", e.Message);
    }
}
