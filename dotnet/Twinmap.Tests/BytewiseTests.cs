using System.Buffers.Binary;
using DecodeException = Twinmap.Formats.DecodeException;
using EncodeException = Twinmap.Formats.EncodeException;
using FormatReader = Twinmap.Formats.FormatReader;
using FormatWriter = Twinmap.Formats.FormatWriter;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// process: xor, rol and ror (ts/gen/fixtures/features/bytewise.ksy, generated into Features/): the
// same records as the TypeScript test, which checks them against Kaitai's parser.
public class BytewiseTests
{
    private static byte Rol(byte b, int n) => (byte)((b << (n & 7)) | (b >> (8 - (n & 7))));
    private static byte[] Ascii(string s) => System.Text.Encoding.ASCII.GetBytes(s);

    private static Bytewise Sample(byte key) => new()
    {
        Key = key,
        Secret = Ascii("hello"),
        Shifted = [0x81, 0x01, 0xf0, 0x7e],
        Unshifted = [0x12, 0xed],
        Masked = Ascii("masks"),
        Dims = new Dimensions { Width = -2, Depth = 9 },
        Salt = [1, 0x80],
        Salted = Ascii("abc"),
        Tail = Ascii("to the end"),
    };

    /// <summary>The fixture's bytes, transformed here by hand from the plain values.</summary>
    private static byte[] Record(Bytewise v)
    {
        var dims = new byte[6];
        BinaryPrimitives.WriteInt32LittleEndian(dims, v.Dims.Width);
        dims[4] = v.Dims.Depth;
        byte[] dimsKey = [v.Key, 0xa5];
        byte[] maskKey = [0x12, 0x34, 0x56];
        var o = new List<byte> { v.Key, (byte)v.Secret.Length };
        o.AddRange(v.Secret.Select(b => (byte)(b ^ v.Key)));
        o.AddRange(v.Shifted.Select(b => Rol(b, 8 - 3)));
        o.AddRange(v.Unshifted.Select(b => Rol(b, v.Key)));
        o.AddRange(v.Masked.Select((b, i) => (byte)(b ^ maskKey[i % 3])));
        o.AddRange(dims.Select((b, i) => (byte)(b ^ dimsKey[i % 2])));
        o.AddRange(v.Salt);
        o.AddRange(v.Salted.Select((b, i) => (byte)(b ^ v.Salt[i % v.Salt.Length])));
        o.AddRange(v.Tail.Select(b => Rol(b, 8 - (v.Key & 7))));
        return [.. o];
    }

    [Theory]
    [InlineData(0x5b)]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(255)]
    public void ReadsThePlainValuesAndWritesTheTransformedBytes(byte key)
    {
        var sample = Sample(key);
        byte[] input = Record(sample);
        var v = Bytewise.Decode(input);
        Assert.Equal(sample.Secret, v.Secret);
        Assert.Equal(sample.Shifted, v.Shifted);
        Assert.Equal(sample.Unshifted, v.Unshifted);
        Assert.Equal(sample.Masked, v.Masked);
        Assert.Equal(-2, v.Dims.Width);
        Assert.Equal(9, v.Dims.Depth);
        Assert.Equal(sample.Salted, v.Salted);
        Assert.Equal(sample.Tail, v.Tail);
        Assert.Equal([key, 0xa5], v.KeyBytes);
        Assert.Equal(input, sample.Encode());
        Assert.Equal(input, v.Encode());
    }

    [Fact]
    public void AKeyWithNoBytesIsATypedErrorNamingTheField()
    {
        byte[] input = [1, 2, 3];
        var e = Assert.Throws<DecodeException>(() =>
        {
            var r = new FormatReader(input);
            r.U1("first");
            r.Xor(2, [], "salted");
        });
        Assert.Equal("salted at byte 1: process: xor key has no bytes", e.Message);
        var w = Assert.Throws<EncodeException>(() =>
        {
            var writer = new FormatWriter(new byte[4]);
            writer.Xor([1], [], -1, "salted");
        });
        Assert.Contains("process: xor key has no bytes", w.Message);
    }
}
