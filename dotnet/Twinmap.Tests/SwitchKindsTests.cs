using EncodeException = Twinmap.Formats.EncodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// Switches on strings and an enum member a u1 cannot hold (ts/gen/fixtures/features/switch_kinds.ksy),
// generated into Features/. The bytes are the ones the TypeScript codec writes for the same values
// (which Kaitai's parser reads back in ts/gen/switch-kinds.test.ts).
public class SwitchKindsTests
{
    const string Sample =
        "4e554d53" + "02" + "0001" + "0002" + "01" + "aabb" +
        "54455854" + "68c3a900" + "00" + "0700" +
        "574f5244" + "1234" + "ff" + "0102" +
        "5a5a5a5a" + "09" + "01" + "0304";

    [Fact]
    public void ReadsTheCaseAStringSelectsAndWritesItBack()
    {
        var v = SwitchKinds.Decode(Convert.FromHexString(Sample));
        Assert.Equal(4, v.Records.Length);
        Assert.Equal("NUMS", v.Records[0].Kind);
        Assert.Equal(new ushort[] { 1, 2 }, Assert.IsType<Nums>(v.Records[0].Body).Items);
        Assert.Equal((byte)0xbb, Assert.IsType<SwitchKindsPair>(v.Records[0].Note).B);
        Assert.Equal("hé", Assert.IsType<Text>(v.Records[1].Body).Value);
        Assert.Equal((byte)7, Assert.IsType<TextNote>(v.Records[1].Note).Mark);
        Assert.Equal((ushort)0x1234, Assert.IsType<ushort>(v.Records[2].Body));
        Assert.Equal((byte)9, Assert.IsType<byte>(v.Records[3].Body));
        Assert.Equal(Sample, Convert.ToHexString(v.Encode()).ToLowerInvariant());
    }

    [Fact]
    public void AnEnumMemberTheFieldCannotHoldNeverMatches()
    {
        var v = SwitchKinds.Decode(Convert.FromHexString(Sample));
        Assert.Equal((byte)0xff, v.Records[2].State);
        Assert.Equal((byte)State.On, v.Records[0].State);
        Assert.NotEqual((long)State.Unset, v.Records[2].State);
    }

    [Fact]
    public void RefusesAValueTheSelectedCaseDoesNotHoldNamingTheField()
    {
        var v = SwitchKinds.Decode(Convert.FromHexString(Sample));
        v.Records[0].Body = (byte)5;
        Assert.Contains("body", Assert.Throws<EncodeException>(() => v.Encode()).Message);
        v = SwitchKinds.Decode(Convert.FromHexString(Sample));
        v.Records[1].Note = new SwitchKindsPair { A = 1, B = 2 };
        Assert.Contains("expected a TextNote", Assert.Throws<EncodeException>(() => v.Encode()).Message);
    }
}
