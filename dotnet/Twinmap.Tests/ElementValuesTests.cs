using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// Casts, another type's value instance made of repeated and conditional fields, a repeat-until on a
// value instance of the element, and elements that always read a bit
// (ts/gen/fixtures/features/element_values.ksy, generated into Features/). The bytes and values are
// the ones TypeScript and Kaitai's parser agree on (ts/gen/element-values.test.ts).
public class ElementValuesTests
{
    private const string Sample = "800102aabbcc05ff80ee7f";

    [Fact]
    public void ReadsAsKaitaiDoesAndWritesTheSameBytes()
    {
        var v = ElementValues.Decode(Convert.FromHexString(Sample));
        Assert.Equal(3L, v.Num.Value);
        Assert.Equal(new byte[] { 0xaa, 0xbb, 0xcc }, v.Body);
        Assert.Equal(2, v.Marks.Length);
        Assert.True(v.Marks[1].IsLast);
        Assert.Equal(new byte[] { 0x45, 0x42, 0x41 }, v.Tag);
        Assert.Equal(2, v.Flags.Length);
        Assert.False(v.FirstEnds);
        Assert.Equal(0xffL, v.LastCode);
        Assert.True(ElementValues.Decode(Convert.FromHexString("00ff")).FirstEnds);
        Assert.Equal(Sample, Convert.ToHexString(v.Encode()).ToLowerInvariant());
    }

    [Fact]
    public void RefusesABodyTheLengthDoesNotGive()
    {
        var v = ElementValues.Decode(Convert.FromHexString(Sample));
        v.Body = [1];
        Assert.Contains("body", Assert.Throws<Twinmap.Formats.EncodeException>(() => v.Encode()).Message, StringComparison.OrdinalIgnoreCase);
    }
}
