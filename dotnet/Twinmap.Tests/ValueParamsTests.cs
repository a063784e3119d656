using EncodeException = Twinmap.Formats.EncodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// Params holding objects, byte arrays, strings and floats (ts/gen/fixtures/features/value_params.ksy),
// generated into Features/. The bytes are the ones ts/gen/value-params.test.ts checks against Kaitai's parser.
public class ValueParamsTests
{
    private static readonly byte[] Sample = Convert.FromHexString("0201000280AABBCCDDEE0506112233445566");

    [Fact]
    public void ReadsThroughTheValuesPassedIn()
    {
        var v = ValueParams.Decode(Sample, out int read);
        Assert.Equal(Sample.Length, read);
        Assert.Equal(new byte[] { 0xbb, 0xcc, 0xdd, 0xee }, v.Samples[1].Data);
        Assert.True(v.Samples[1].Wide);
        Assert.False(v.Samples[0].Wide);
        Assert.Equal(new byte[] { 0x11, 0x22 }, v.Tagged.Body);
        Assert.Equal(5L, v.Tagged.FirstTag);
        Assert.Equal(2L, v.Tagged.NameLen);
        Assert.Equal(3.0, v.Tagged.Scaled);
        Assert.Equal(new byte[] { 0x33 }, v.Table.Cells);
        Assert.Equal(new byte[] { 0x66 }, v.Table.Inner.Tail);
    }

    [Fact]
    public void WritesWithTheValuesTheUsingTypeHolds()
    {
        var v = ValueParams.Decode(Sample);
        Assert.Equal(Sample, v.Encode());
        Assert.Equal(Sample.Length, v.EncodedSize());
        v.Samples[1].Data = [1, 2];
        Assert.Contains("samples", Assert.Throws<EncodeException>(() => v.Encode()).Message);
    }
}
