using EncodeException = Twinmap.Formats.EncodeException;
using DecodeException = Twinmap.Formats.DecodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// Switches over 64-bit integers, floats, user types with params and raw bytes, and on a boolean
// (ts/gen/fixtures/features/switch_cases.ksy), generated into Features/. The bytes are the ones the
// TypeScript codec writes for the same values (which Kaitai's parser reads back in
// ts/gen/switch-cases.test.ts).
public class SwitchCasesTests
{
    const string Sample =
        "07" + "0100" + "1032547698badcfe" + "0200" + "fffffffffffffffe" + "0300" + "000000000000f83f" +
        "0402" + "0201aabb" + "0501" + "cc" + "0600" + "07" + "0900" + "01" + "0368c3a9";

    [Fact]
    public void ReadsEachCaseAsTheTypeItsSwitchValueSelectsAndWritesItBack()
    {
        var v = SwitchCases.Decode(Convert.FromHexString(Sample));
        Assert.Equal(7, v.Entries.Length);
        Assert.Equal(0xfedcba9876543210UL, Assert.IsType<ulong>(v.Entries[0].Body));
        Assert.Equal(-2L, Assert.IsType<long>(v.Entries[1].Body));
        Assert.Equal(1.5, Assert.IsType<double>(v.Entries[2].Body));
        var pair = Assert.IsType<Pair>(v.Entries[3].Body);
        Assert.Equal((ushort)0x0102, pair.A);
        Assert.Equal(new byte[] { 0xaa, 0xbb }, pair.B);
        Assert.Equal(new byte[] { 0xcc }, Assert.IsType<SwitchCasesBlob>(v.Entries[4].Body).Data);
        Assert.Equal((byte)7, Assert.IsType<byte>(v.Entries[5].Body));
        Assert.Null(v.Entries[6].Body);
        Assert.Equal("hé", Assert.IsType<Named>(v.Flagged).Name);
        Assert.Equal(Sample, Convert.ToHexString(v.Encode()).ToLowerInvariant());

        var plain = new SwitchCases { HasName = 0, Flagged = (ushort)0x1234 };
        Assert.Equal("00003412", Convert.ToHexString(plain.Encode()).ToLowerInvariant());
    }

    [Fact]
    public void RefusesAValueTheSelectedCaseDoesNotHoldNamingTheField()
    {
        var v = SwitchCases.Decode(Convert.FromHexString(Sample));
        v.Entries[0].Body = 5;
        Assert.Contains("entries[0].body", Assert.Throws<EncodeException>(() => v.Encode()).Message);
        v.Entries[0].Body = 5UL;
        v.Entries[6].Body = (byte)1;
        Assert.Contains("no case matches", Assert.Throws<EncodeException>(() => v.Encode()).Message);
        Assert.Contains("entries[0].body", Assert.Throws<DecodeException>(() => SwitchCases.Decode([1, 1, 0])).Message);
    }
}
