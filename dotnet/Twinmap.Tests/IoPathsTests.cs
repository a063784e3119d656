using DecodeException = Twinmap.Formats.DecodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// Instances that read the stream of another object (ts/gen/fixtures/features/io_paths.ksy): the
// same input, order and expected values as the TypeScript test, which checks them against Kaitai.
public class IoPathsTests
{
    private static readonly byte[] Sample = Convert.FromHexString("066162006364000003112233445566");

    [Fact]
    public void InstancesReadTheStreamThePathNames()
    {
        var v = IoPaths.Decode(Sample);
        Assert.Equal(["ab", "cd"], v.Entries.Select(e => e.Name));
        Assert.Equal([0x55, 0x55], v.Entries.Select(e => (int)e.FirstOfTable));
        Assert.Equal(0x11, v.InnerA);
        Assert.Equal(0x22, v.InnerB);
    }

    [Fact]
    public void AReadPastTheNamedStreamFailsWithADecodeException()
    {
        var bad = (byte[])Sample.Clone();
        bad[8] = 9;
        var v = IoPaths.Decode(bad);
        var e = Assert.Throws<DecodeException>(() => v.Entries[1].Name);
        Assert.Contains("name", e.FieldPath);
    }
}
