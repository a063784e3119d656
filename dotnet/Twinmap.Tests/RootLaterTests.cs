using DecodeException = Twinmap.Formats.DecodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// `_root.a.b` in a parse instance's pos (ts/gen/fixtures/features/root_later.ksy, generated into
// Features/): the same inputs as the TypeScript test, which checks them against Kaitai's parser.
public class RootLaterTests
{
    [Fact]
    public void ReadsEachBodyAtTheRootFieldPlusItsOffset()
    {
        var v = RootLater.Decode([3, 0, 2, 0xaa, 0xbb, 0xcc, 0xdd]);
        Assert.Equal(["AABB", "CCDD"], v.Header.Files.Select(f => Convert.ToHexString(f.Body)));
        var w = RootLater.Decode([1, 0, 2, 0xaa, 0xbb, 0xcc, 0xdd]);
        Assert.Equal(["0002", "AABB"], w.Header.Files.Select(f => Convert.ToHexString(f.Body)));
    }

    [Fact]
    public void ABodyPastTheEndFailsAloneWithADecodeException()
    {
        var v = RootLater.Decode([3, 0, 9, 0xaa, 0xbb, 0xcc, 0xdd]);
        Assert.Equal("AABB", Convert.ToHexString(v.Header.Files[0].Body));
        Assert.Contains("body", Assert.Throws<DecodeException>(() => v.Header.Files[1].Body).Message);
    }

    [Fact]
    public void ReadsTheRootsParseInstanceInAPosInsideIt()
    {
        var v = RootLater.Decode([3, 0, 2, 0xaa, 0xbb, 0xcc, 0xdd]);
        Assert.Equal([3L, 0L, 2L], v.Table.Slots.Select(s => s.OfsMasked));
        Assert.Equal([(byte)0xaa, (byte)0xaa, (byte)2], v.Table.Slots.Select(s => s.Target));
        Assert.Throws<DecodeException>(() => RootLater.Decode([3, 0, 9]).Table.Slots[0].Target);
    }
}
