using DecodeException = Twinmap.Formats.DecodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// A counted list of elements that may be 0 bytes long (ts/gen/fixtures/features/zero_sized.ksy):
// the same inputs as the TypeScript test, which checks them against Kaitai's parser.
public class ZeroSizedTests
{
    private static byte[] Input(uint count, byte len, int rest = 0)
    {
        var b = new byte[5 + rest];
        BitConverter.TryWriteBytes(b.AsSpan(0, 4), count);
        if (!BitConverter.IsLittleEndian) b.AsSpan(0, 4).Reverse();
        b[4] = len;
        return b;
    }

    [Fact]
    public void EmptyElementsAreReadUpToTheBound()
    {
        Assert.Equal(3, ZeroSized.Decode(Input(3, 0)).Items.Length);
        Assert.Equal(256, ZeroSized.Decode(Input(256, 0)).Items.Length);
        Assert.Equal(300, ZeroSized.Decode(Input(300, 0, 300)).Items.Length);
    }

    [Fact]
    public void AHostileCountIsADecodeExceptionAtOnce()
    {
        var e = Assert.Throws<DecodeException>(() => ZeroSized.Decode(Input(0xffffffff, 0)));
        Assert.Equal("ZeroSized.items", e.FieldPath);
        Assert.Equal(5, e.Offset);
        Assert.Throws<DecodeException>(() => ZeroSized.Decode(Input(257, 0)));
    }
}
