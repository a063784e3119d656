using EncodeException = Twinmap.Formats.EncodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// Switch cases that are bit-sized integers and strings (ts/gen/fixtures/features/switch_bits.ksy)
// and cases of bits that are not whole bytes (switch_nibbles.ksy, decode-only), generated into
// Features/. The bytes are the ones the TypeScript codec writes for the same values (which Kaitai's
// parser reads back in ts/gen/switch-bits.test.ts).
public class SwitchBitsTests
{
    const string Sample =
        "01" + "123456" + "616200" + "0708" +
        "02" + "000102030405" + "aabbcc" + "3412" + "0500" +
        "03" + "68c3a900" + "78797a" +
        "04" + "8000000000000005" + "000000" +
        "05" + "563412" + "ffffff" + "0102" +
        "00" + "010203";

    [Fact]
    public void ReadsEachCaseFromTheBitStreamAndWritesItBack()
    {
        var v = SwitchBits.Decode(Convert.FromHexString(Sample));
        Assert.Equal(6, v.Records.Length);
        Assert.Equal(0x123456UL, Assert.IsType<ulong>(v.Records[0].Value));
        Assert.Equal("ab", Assert.IsType<string>(v.Records[0].Label));
        Assert.Equal(new long[] { 7, 8 }, v.Records[0].Parts);
        Assert.Equal(0x0102030405UL, Assert.IsType<ulong>(v.Records[1].Value));
        Assert.Equal(new byte[] { 0xaa, 0xbb, 0xcc }, Assert.IsType<byte[]>(v.Records[1].Label));
        Assert.Equal(new long[] { 0x1234, 5 }, v.Records[1].Parts);
        Assert.Equal("hé", Assert.IsType<string>(v.Records[2].Value));
        Assert.Equal("xyz", Assert.IsType<string>(v.Records[2].Label));
        Assert.Empty(v.Records[2].Parts!);
        Assert.Equal(0x8000000000000005UL, Assert.IsType<ulong>(v.Records[3].Value));
        Assert.Equal(0x123456UL, Assert.IsType<ulong>(v.Records[4].Value));
        Assert.Null(v.Records[5].Value);
        Assert.Empty(v.Records[5].Parts!);
        Assert.Equal(Sample, Convert.ToHexString(v.Encode()).ToLowerInvariant());
        Assert.Equal(Sample.Length / 2, v.EncodedSize());
    }

    [Fact]
    public void RefusesAValueTheSelectedCaseDoesNotHoldNamingTheField()
    {
        var v = SwitchBits.Decode(Convert.FromHexString(Sample));
        v.Records[0].Value = "x";
        Assert.Contains("expected a ulong", Assert.Throws<EncodeException>(() => v.Encode()).Message);
        v = SwitchBits.Decode(Convert.FromHexString(Sample));
        v.Records[0].Value = 0x1000000UL;
        Assert.Contains("value", Assert.Throws<EncodeException>(() => v.Encode()).Message);
        v = SwitchBits.Decode(Convert.FromHexString(Sample));
        v.Records[2].Label = "xy";
        Assert.Contains("label", Assert.Throws<EncodeException>(() => v.Encode()).Message);
        v = SwitchBits.Decode(Convert.FromHexString(Sample));
        v.Records[5].Parts = [1, 2];
        Assert.Contains("parts", Assert.Throws<EncodeException>(() => v.Encode()).Message);
    }

    [Fact]
    public void ReadsBitsThatAreNotWholeBytesAsKaitaiDoes()
    {
        var v = SwitchNibbles.Decode(Convert.FromHexString("0421ff05"));
        Assert.Equal(new long[] { 1, 2 }, v.Packed.Digits);
        Assert.Equal(new object?[] { true, false, true }, v.Flags);
        Assert.Equal(3, v.Total);
        var bytes = SwitchNibbles.Decode(Convert.FromHexString("080a0bfac0"));
        Assert.Equal(new long[] { 10, 11 }, bytes.Packed.Digits);
        Assert.Equal(new object?[] { 7UL, 6UL, 5UL }, bytes.Flags);
        var none = SwitchNibbles.Decode(Convert.FromHexString("030000"));
        Assert.Empty(none.Packed.Digits!);
        Assert.Empty(none.Flags!);
    }
}
