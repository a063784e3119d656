using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// A repeated field read with its elements read so far (ts/gen/fixtures/features/elements_so_far.ksy),
// generated into Features/. The bytes are the ones ts/gen/elements-so-far.test.ts checks against Kaitai's parser.
public class ElementsSoFarTests
{
    [Fact]
    public void PassesEachElementValuesOfTheOnesBeforeIt()
    {
        var v = ElementsSoFar.Decode(Convert.FromHexString("8102" + "02" + "01AA" + "01BBCC"), out int read);
        Assert.Equal(8, read);
        Assert.Equal(new long[] { 1, 257 }, v.Groups.Select(g => g.Total));
        Assert.Equal(257, v.Value);
        Assert.Equal(128, v.LastWeight);
        Assert.Equal(new byte[] { 0xbb, 0xcc }, v.Parts[1].Body);
        Assert.Equal(new long[] { 1, 2 }, v.Parts.Select(p => p.Sum));
        Assert.Equal(2, v.Sums);
    }

    [Fact]
    public void ComputesA64BitLiteralWithTheSameBits()
    {
        // Ten groups, the last weighing 0x8000_0000_0000_0000: the total is 2^64 - 1 as a u8's bits.
        var v = ElementsSoFar.Decode(Convert.FromHexString("FFFFFFFFFFFFFFFFFF01" + "00"));
        Assert.Equal(10, v.Groups.Length);
        Assert.Equal(ulong.MaxValue, unchecked((ulong)v.Value));
        Assert.Equal(1UL << 63, unchecked((ulong)v.LastWeight));
        Assert.Equal(-1, v.Sums);
    }
}
