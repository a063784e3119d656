using DecodeException = Twinmap.Formats.DecodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// Kaitai's typed expressions (ts/gen/fixtures/features/expressions.ksy), generated into Features/.
// The bytes are the ones the TypeScript codec writes for the same values; the values are the ones
// Kaitai's parser computes for them (ts/gen/expressions.test.ts).
public class ExpressionsTests
{
    private const string Full = "544d616263303466660006000030c003f9ff0800010002000300040005000600f4010700ffff09080706";
    private const string NoExtra = "4d5478797a303066660006000030c002010002000300040005000600f4010700ffff";

    [Fact]
    public void ComputesFloatsStringsAndArraysAsKaitaiDoes()
    {
        var v = Expressions.Decode(Convert.FromHexString(Full));
        Assert.Equal(1.5, v.Scaled);
        Assert.Equal(768.0, v.Half);
        Assert.Equal(-2L, v.Whole);
        Assert.Equal("abc-1536", v.Label);
        Assert.Equal(3L, v.TagLen);
        Assert.Equal(4L, v.Num);
        Assert.Equal(255L, v.Hex);
        Assert.True(v.IsTm);
        Assert.True(v.TagBeforeM);
        Assert.Equal("cba", v.Rev);
        Assert.Equal("bc", v.Mid);
        Assert.Equal((500L, 65535L, 7L, 65535L, 3L), (v.FirstWord, v.LastWord, v.MinWord, v.MaxWord, v.NumWords));
        Assert.Equal((3L, 6L, -7L), (v.SecondX, v.LastY, v.ExtraX));
        Assert.Equal(-4L, v.Inverted);
        Assert.Equal(1L, v.FlagInt);
        Assert.Equal((4L, 0x4dL), (v.BodyLen, v.MagicHi));
        Assert.True(v.BigBody);
        Assert.Equal((512L, 0L, 1536L << 40, 8L), (v.PerFlag, v.ScaleModFlags, v.WideShift, v.PointSize));
        Assert.Equal(("TM", "\t\b\u0007\u0006"), (v.MagicText, v.BodyText));
        Assert.Equal(Full, Convert.ToHexString(v.Encode()).ToLowerInvariant());
    }

    [Fact]
    public void ReadingThroughAnAbsentObjectIsADecodeExceptionNamingIt()
    {
        var v = Expressions.Decode(Convert.FromHexString(NoExtra));
        Assert.Null(v.Extra);
        Assert.Contains("extra", Assert.Throws<DecodeException>(() => v.ExtraX).Message);
        Assert.False(v.IsTm);
        Assert.False(v.TagBeforeM);
        Assert.Equal(0L, v.BodyLen);
        Assert.False(v.BigBody);
    }

    [Fact]
    public void BytesToSOfBytesNotInTheEncodingIsADecodeException()
    {
        // Full with body 41 ff 42 43: 0xff is not ASCII.
        var v = Expressions.Decode(Convert.FromHexString(Full[..^8] + "41ff4243"));
        Assert.Contains("byte 0xff is not ASCII", Assert.Throws<DecodeException>(() => v.BodyText).Message);
    }

    [Fact]
    public void DivisionOrModuloByZeroIsADecodeException()
    {
        // NoExtra with flags 0: `scale / flags` and `scale % flags` divide by zero.
        var v = Expressions.Decode(Convert.FromHexString("4d5478797a303066660006000030c000010002000300040005000600f4010700ffff"));
        Assert.Contains("division by zero", Assert.Throws<DecodeException>(() => v.PerFlag).Message);
        Assert.Contains("modulo by zero", Assert.Throws<DecodeException>(() => v.ScaleModFlags).Message);
        // Naming the instance and its type, as the TS getter does.
        Assert.Equal("Expressions.perFlag at byte -1: division by zero in a spec expression", Assert.Throws<DecodeException>(() => v.PerFlag).Message);
        Assert.Equal("Expressions.scaleModFlags", Assert.Throws<DecodeException>(() => v.ScaleModFlags).FieldPath);
    }

    [Fact]
    public void ChecksValidOnBytesAndStrings()
    {
        var badMagic = Convert.FromHexString(Full);
        badMagic[0] = 0x55;
        Assert.Contains("magic", Assert.Throws<DecodeException>(() => Expressions.Decode(badMagic)).Message);
        var badTag = Convert.FromHexString(Full);
        badTag[2] = 0x62;
        Assert.Contains("tag", Assert.Throws<DecodeException>(() => Expressions.Decode(badTag)).Message);
    }
}
