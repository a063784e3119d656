using System.IO.Compression;
using DecodeException = Twinmap.Formats.DecodeException;
using FormatZlib = Twinmap.Formats.FormatZlib;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// process: zlib (ts/gen/fixtures/features/zlib_data.ksy, generated into Features/): the same
// records as the TypeScript test, which checks them against Kaitai's parser.
public class ZlibDataTests
{
    private static readonly byte[] Header = [2, (byte)'a', (byte)'b', 0, (byte)'c', (byte)'d', (byte)'e', 0];
    private static readonly byte[] Payload = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("hello, inflated world ", 40)));

    private static byte[] Deflate(byte[] data)
    {
        var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.SmallestSize, leaveOpen: true)) z.Write(data);
        return ms.ToArray();
    }

    private static byte[] Record(byte[] header, byte kind, byte[] blob)
    {
        var h = Deflate(header);
        return [(byte)h.Length, (byte)(h.Length >> 8), .. h, kind, .. blob];
    }

    [Fact]
    public void ReadsATypeFromTheInflatedBytesAndInflatesPlainBytes()
    {
        var v = ZlibData.Decode(Record(Header, 1, Deflate(Payload)));
        Assert.Equal(["ab", "cde"], v.Header.Names);
        Assert.Equal(Header.Length, v.Header.InflatedSize);
        Assert.Equal(Payload, v.Blob);
        Assert.Null(ZlibData.Decode(Record(Header, 0, [1, 2, 3])).Blob);
    }

    [Fact]
    public void DataThatIsNotZlibOrIsCutShortIsADecodeExceptionNamingTheField()
    {
        var whole = Deflate(Payload);
        foreach (var blob in new[] { new byte[] { 1, 2, 3, 4 }, whole[..^2], whole[..^5], whole[..(whole.Length / 2)], [] })
        {
            var e = Assert.Throws<DecodeException>(() => ZlibData.Decode(Record(Header, 1, blob)));
            Assert.Equal("ZlibData.blob", e.FieldPath);
            Assert.Contains("is not valid zlib data", e.Message);
        }
    }

    [Fact]
    public void ZlibDataInflatingPastTheLimitIsRefused()
    {
        var bomb = Deflate(new byte[FormatZlib.MaxInflated + 1]);
        Assert.True(bomb.Length < FormatZlib.MaxInflated / 500);
        var e = Assert.Throws<DecodeException>(() => ZlibData.Decode(Record(Header, 1, bomb)));
        Assert.Equal("ZlibData.blob", e.FieldPath);
        Assert.Contains($"inflates to more than {FormatZlib.MaxInflated} bytes", e.Message);
        Assert.Equal(FormatZlib.MaxInflated, ZlibData.Decode(Record(Header, 1, Deflate(new byte[FormatZlib.MaxInflated]))).Blob!.Length);
    }

    [Fact]
    public void IsDecodeOnly() => Assert.Null(typeof(ZlibData).GetMethod("Encode"));
}
