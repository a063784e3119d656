using DecodeException = Twinmap.Formats.DecodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// A byte order decided when the type is read (ts/gen/fixtures/features/switched_endian.ksy),
// generated into Features/. The same bytes as ts/gen/switched-endian.test.ts, where Kaitai's
// parser reads them to the same values.
public class SwitchedEndianTests
{
    const string Little = "4949" + "0100" + "04030201" + "feff" + "0000c03f" + "1234" + "04000000";
    const string Big = "4d4d" + "0001" + "01020304" + "fffe" + "3fc00000" + "1234" + "00000004";

    [Theory]
    [InlineData(Little, 0x4949)]
    [InlineData(Big, 0x4d4d)]
    public void ReadsTheBodyItsItemsAndAPositionedInstanceInTheSelectedOrder(string hex, int order)
    {
        var v = SwitchedEndian.Decode(Convert.FromHexString(hex));
        Assert.Equal((ushort)order, v.Order);
        var item = Assert.Single(v.Body.Items);
        Assert.Equal((0x01020304u, (short)-2, 1.5f, (ushort)0x1234), (item.A, item.B, item.F, item.Fixed));
        Assert.Equal(4u, v.Body.TailOfs);
        var tail = v.Body.Tail;
        Assert.Equal((0x01020304u, (short)-2, 1.5f, (ushort)0x1234), (tail.A, tail.B, tail.F, tail.Fixed));
    }

    [Fact]
    public void FailsToDecodeWhenNoCaseMatchesTheSwitchValue()
    {
        var e = Assert.Throws<DecodeException>(() => SwitchedEndian.Decode(Convert.FromHexString("0000" + Little[4..])));
        Assert.Contains("endian: no case matches the switch value 0", e.Message);
        Assert.Contains("body", e.Message);
    }

    [Fact]
    public void IsDecodeOnly() => Assert.Null(typeof(SwitchedEndian).GetMethod("Encode", Type.EmptyTypes));
}
