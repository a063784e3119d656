using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// `_parent.x` and `_root.x` that only instances use, naming fields read after the type
// (ts/gen/fixtures/features/later_fields.ksy), generated into Features/. The bytes are the ones
// ts/gen/later-fields.test.ts checks against Kaitai's parser.
public class LaterFieldsTests
{
    private static readonly byte[] Sample = Convert.FromHexString("0302" + "0A141E28" + "07");

    [Fact]
    public void ComputesTheInstancesFromTheWholeDecodedValue()
    {
        var v = LaterFields.Decode(Sample, out int read);
        Assert.Equal(Sample.Length, read);
        Assert.Equal(6, v.Head.Scaled);
        Assert.Equal(10, v.Head.WithTail);
        Assert.Equal(new long[] { 20, 30, 40, 255 }, v.Dir.Items.Select(e => e.NextOfs));
        Assert.Equal(new[] { false, false, false, true }, v.Dir.Items.Select(e => e.IsLast));
    }

    [Fact]
    public void KeepsItsEncoder()
    {
        Assert.Equal(Sample, LaterFields.Decode(Sample).Encode());
    }
}
