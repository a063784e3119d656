using EncodeException = Twinmap.Formats.EncodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// `valid` rules on encode: a value its spec's rule refuses is an EncodeException naming the field,
// never bytes that Decode would then refuse; every value Encode accepts decodes back to itself.
// Fixtures valid_write, valid_rules and envelope (ts/gen/valid-encode.test.ts holds the TS codecs
// and Kaitai's parser to the same).
public class ValidEncodeTests
{
    [Fact]
    public void EncodeRefusesExactlyTheValuesDecodeRefuses()
    {
        int accepted = 0, refused = 0;
        for (int version = 0; version <= 10; version++)
        for (int minVersion = 0; minVersion <= 12; minVersion += 3)
        for (int len = 0; len <= 22; len++)
        foreach (bool hasMore in new[] { false, true })
        {
            var value = new ValidWrite { Version = (byte)version, MinVersion = (byte)minVersion, Len = (byte)len, HasMore = hasMore, Rest = 5 };
            // The bytes as the spec lays them out, written without any check.
            byte[] raw = [(byte)version, (byte)minVersion, (byte)len, (byte)((hasMore ? 0x80 : 0) | 5)];
            bool decodes;
            try
            {
                ValidWrite.Decode(raw);
                decodes = true;
            }
            catch (Twinmap.Formats.DecodeException)
            {
                decodes = false;
            }
            if (decodes)
            {
                accepted++;
                Assert.Equal(raw, value.Encode());
            }
            else
            {
                refused++;
                var e = Assert.Throws<EncodeException>(() => value.Encode());
                Assert.Matches(@"^ValidWrite\.(minVersion|len|hasMore)$", e.FieldPath);
                Assert.Contains("is not valid", e.Reason);
            }
        }
        Assert.True(accepted > 50 && refused > 50, $"{accepted} accepted, {refused} refused");
    }

    [Fact]
    public void NamesTheFieldAndTheRule()
    {
        var e = Assert.Throws<EncodeException>(() => new ValidWrite { Version = 3, MinVersion = 4, Len = 4, HasMore = true }.Encode());
        Assert.Equal("ValidWrite.minVersion: 4 is not valid ({'max':'version'})", e.Message);
    }

    [Fact]
    public void MinMaxAnyOfAndExpr()
    {
        ValidRules Good() => new() { Month = 12, Kind = RecordKind.C, Even = -4, Nibble = 9, Rest = 15 };
        for (int month = 0; month < 256; month++)
        {
            var v = Good();
            v.Month = (byte)month;
            if (month is >= 1 and <= 12) Assert.Equal(month, ValidRules.Decode(v.Encode()).Month);
            else Assert.Equal("ValidRules.month", Assert.Throws<EncodeException>(() => v.Encode()).FieldPath);
        }
        var kind = Good();
        kind.Kind = RecordKind.B;
        Assert.Equal("ValidRules.kind", Assert.Throws<EncodeException>(() => kind.Encode()).FieldPath);
        var even = Good();
        even.Even = -100;
        Assert.Equal("ValidRules.even", Assert.Throws<EncodeException>(() => even.Encode()).FieldPath);
        var nibble = Good();
        nibble.Nibble = 10;
        Assert.Equal("ValidRules.nibble", Assert.Throws<EncodeException>(() => nibble.Encode()).FieldPath);
    }

    [Fact]
    public void InEnumAndEq()
    {
        Envelope Good() => new() { MsgType = MessageType.Ping, Body = Array.Empty<byte>(), Note = "n", Big = 1, Small = 2, Ratio = 0.5f };
        Assert.Equal(MessageType.Ping, Envelope.Decode(Good().Encode()).MsgType);
        var notMember = Good();
        notMember.MsgType = (MessageType)7;
        Assert.Equal("Envelope.msgType: 7 is not a MessageType", Assert.Throws<EncodeException>(() => notMember.Encode()).Message);
        var notEq = Good();
        notEq.Version = 2;
        Assert.Equal("Envelope.version: expected 1, found 2", Assert.Throws<EncodeException>(() => notEq.Encode()).Message);
    }
}
