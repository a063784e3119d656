using DecodeException = Twinmap.Formats.DecodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// `contents` repeated (`repeat: expr`) and under an `if` (ts/gen/fixtures/features/contents_runs.ksy),
// generated into Features/. The bytes are the ones the TypeScript codec writes for the same values
// (which Kaitai's parser reads back in ts/gen/contents-runs.test.ts).
public class ContentsRunsTests
{
    [Theory]
    [InlineData("abc", 1, 0x1234, "61626300" + "00000000" + "01" + "4f4b" + "aa55" + "3412")]
    [InlineData("abcdefg", 2, 1, "6162636465666700" + "02" + "4f4b" + "aa55aa55" + "0100")]
    [InlineData("abcdefghij", 0, 7, "6162636465666768696a00" + "00" + "0700")]
    public void WritesAndReadsThePaddingAndMarksItsCountsAskFor(string name, byte hasTail, ushort value, string hex)
    {
        var v = new ContentsRuns { Name = name, HasTail = hasTail, Value = value };
        Assert.Equal(hex, Convert.ToHexString(v.Encode()).ToLowerInvariant());
        Assert.Equal(hex.Length / 2, v.EncodedSize());
        var back = ContentsRuns.Decode(Convert.FromHexString(hex));
        Assert.Equal((name, hasTail, value), (back.Name, back.HasTail, back.Value));
    }

    [Fact]
    public void RefusesBytesThatDifferFromTheContentsNamingTheField()
    {
        Assert.Contains("padding", Assert.Throws<DecodeException>(() => ContentsRuns.Decode(Convert.FromHexString("6100" + "000000000001" + "01" + "4f4b" + "aa55" + "0000"))).Message);
        Assert.Contains("marks", Assert.Throws<DecodeException>(() => ContentsRuns.Decode(Convert.FromHexString("6162636465666700" + "01" + "4f4b" + "aa56" + "0000"))).Message);
    }
}
