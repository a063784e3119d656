using EncodeException = Twinmap.Formats.EncodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// `_index` in the size, arguments and switch of a repeated field (ts/gen/fixtures/features/element_index.ksy),
// generated into Features/. The bytes are the ones ts/gen/element-index.test.ts checks against Kaitai's parser.
public class ElementIndexTests
{
    private static readonly byte[] Sample = Convert.FromHexString("020102AABBCC0102030708090A05E0000607E108");

    [Fact]
    public void ReadsEachElementWithItsOwnIndex()
    {
        var v = ElementIndex.Decode(Sample, out int read);
        Assert.Equal(Sample.Length, read);
        Assert.Equal(new byte[][] { [0xaa], [0xbb, 0xcc] }, v.Chunks);
        Assert.Equal(new long[] { 0, 100 }, v.Tagged.Select(t => t.Position));
        Assert.Equal(new byte[] { 2, 3 }, v.Tagged[1].Body);
        Assert.Equal((byte)7, Assert.IsType<byte>(v.Kinds![0]));
        Assert.Equal((byte)9, Assert.IsType<Duo>(v.Kinds![1]).B);
        Assert.Equal(new byte?[] { 0xe0, null }, v.Marks.Select(m => m.Extra));
        Assert.Equal(new byte?[] { null, 0xe1, null }, v.Rest.Select(m => m.Extra));
        Assert.Equal(new long[] { 10, 11, 12 }, v.Rest.Select(m => m.Position));
    }

    [Fact]
    public void WritesEachElementWithItsOwnIndex()
    {
        var v = ElementIndex.Decode(Sample);
        Assert.Equal(Sample, v.Encode());
        Assert.Equal(Sample.Length, v.EncodedSize());
        v.Chunks = [[1], [2]];
        Assert.Contains("ElementIndex.chunks", Assert.Throws<EncodeException>(() => v.Encode()).Message);
        v = ElementIndex.Decode(Sample);
        v.Kinds = [(byte)1, (byte)2, (byte)3];
        Assert.Contains("kinds", Assert.Throws<EncodeException>(() => v.Encode()).Message);
    }
}
