using DecodeException = Twinmap.Formats.DecodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// Substreams (ts/gen/fixtures/features/substreams.ksy, generated into Features/): the same input
// and expected values as the TypeScript test, which checks them against Kaitai's parser.
public class SubstreamsTests
{
    private static readonly byte[] Sample = Convert.FromHexString("050209020c01aabbccddeeff11");

    [Fact]
    public void PositionsCountFromTheSubstreamAndRootInstancesReadTheWholeInput()
    {
        var v = Substreams.Decode(Sample);
        Assert.Equal(9, v.Dir.SecondByte);
        Assert.Equal(5, v.Dir.DirSize);
        Assert.Equal(["ddee", "11"], v.Dir.Entries.Select(e => Convert.ToHexString(e.Body).ToLowerInvariant()));
        Assert.Equal([2L, 0L], v.Dir.Entries.Select(e => e.BytesAfterBody));
        Assert.Equal(0xbb, v.TrailerSecond);
    }

    [Fact]
    public void AnInstancePastTheEndFailsAloneWithADecodeException()
    {
        var bad = (byte[])Sample.Clone();
        bad[2] = 200;
        var v = Substreams.Decode(bad);
        var e = Assert.Throws<DecodeException>(() => v.Dir.Entries[0].Body);
        Assert.Contains("body", e.Message);
        Assert.Equal([0x11], v.Dir.Entries[1].Body);
    }
}
