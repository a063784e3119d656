using DecodeException = Twinmap.Formats.DecodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// Instances reading a parent's stream or an element's (ts/gen/fixtures/features/parent_streams.ksy),
// generated into Features/. The bytes are the ones ts/gen/parent-streams.test.ts checks against Kaitai's parser.
public class ParentStreamsTests
{
    [Fact]
    public void ReadsFromTheStreamEachNames()
    {
        var v = ParentStreams.Decode([2, 0, 4, 2, 0xaa, 0xbb, 3, 0xcc, 0xdd, 0xee]);
        Assert.Equal(new long[] { 2, 0xaa }, v.List.Entries.Select(e => (long)e.FromGrandparent));
        Assert.Equal(new long[] { 0, 0xbb }, v.List.Entries.Select(e => (long)e.FromParent));
        Assert.Equal(0xdd, v.SecondBodyByte);
    }

    [Fact]
    public void FailsAReadPastTheEndOfTheElementsStream()
    {
        // The second block's body is one byte long: byte 1 of it is past its end.
        var v = ParentStreams.Decode([0, 1, 0xaa, 1, 0xcc]);
        Assert.Throws<DecodeException>(() => v.SecondBodyByte);
    }
}
