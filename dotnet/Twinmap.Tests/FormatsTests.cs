using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Twinmap.Examples.Formats;
using Twinmap.Formats;

namespace Twinmap.Tests;

// The generated C# codecs for the sample records (examples/dotnet/Formats, from examples/formats/*.ksy)
// and for JsonRecord (dotnet/Twinmap/Formats, from formats/json_record.ksy).
// Runs on the .NET 10 runtime.
public class FormatsTests
{
    private static TestData SampleTestData()
    {
        var v = new TestData { Id = 100, Age = 20 };
        for (int i = 0; i < 10; i++) v.Scores[i] = i + 60;
        return v;
    }

    [Fact]
    public void TestDataIsA48ByteBlittableStruct()
    {
        Assert.Equal(48, TestData.SIZE);
        Assert.Equal(48, Unsafe.SizeOf<TestData>());
        Assert.Equal(48, Marshal.SizeOf<TestData>());
        Assert.Equal(8, Unsafe.SizeOf<MyDataStructure>());
        Assert.False(RuntimeHelpers.IsReferenceOrContainsReferences<TestData>());
    }

    [Fact]
    public void EncodeMatchesTheStructsMemory()
    {
        var v = SampleTestData();
        var encoded = v.Encode();
        var raw = new byte[48];
        MemoryMarshal.Write(raw, in v);
        Assert.Equal(raw, encoded);
        var back = MemoryMarshal.Read<TestData>(encoded);
        Assert.Equal(100, back.Id);
        Assert.Equal(69, back.Scores[9]);
        var decoded = TestData.Decode(raw);
        Assert.Equal(v.Age, decoded.Age);
        Assert.Equal(((ReadOnlySpan<int>)v.Scores).ToArray(), ((ReadOnlySpan<int>)decoded.Scores).ToArray());
    }

    [Fact]
    public void ViewAccessorWriteAndReadOfTheGeneratedStruct()
    {
        string path = Path.Combine(Path.GetTempPath(), $"twinmap-fmt-{Guid.NewGuid():N}");
        try
        {
            using (var file = MemoryMappedFile.CreateFromFile(path, FileMode.CreateNew, null, 4096))
            using (var accessor = file.CreateViewAccessor())
            {
                var v = SampleTestData();
                accessor.Write(16, ref v);
                accessor.Read(16, out TestData back);
                Assert.Equal(66, back.Scores[6]);
                var bytes = new byte[48];
                accessor.ReadArray(16, bytes, 0, 48);
                Assert.Equal(v.Encode(), bytes);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ImageDataIsLengthPrefixedPathAndImage()
    {
        var v = new ImageData { Path = "C:\\图片\\a.png", Image = [0x89, 0x50, 0x4e, 0x47] };
        var bytes = v.Encode();
        int pathLen = Encoding.UTF8.GetByteCount(v.Path);
        Assert.Equal(pathLen, BitConverter.ToInt32(bytes, 0));
        Assert.Equal(4, BitConverter.ToInt32(bytes, 4 + pathLen));
        var back = ImageData.Decode(bytes, out int read);
        Assert.Equal(bytes.Length, read);
        Assert.Equal(v.Path, back.Path);
        Assert.Equal(v.Image, back.Image);
    }

    [Fact]
    public void HikingDatabaseRoundTrips()
    {
        var db = new HikingDatabase
        {
            Description = "trails",
            Hikes = [new Hike { Date = "2012-10-02", Description = "ridge", GpsTrack = [new Coord { X = 1.5, Y = -2, Z = 300 }] }],
        };
        var back = HikingDatabase.Decode(db.Encode());
        Assert.Equal("trails", back.Description);
        Assert.Equal(300, back.Hikes[0].GpsTrack[0].Z);
        Assert.Equal(db.EncodedSize(), db.Encode().Length);
    }

    [Fact]
    public void TruncatedInputIsADecodeExceptionWithFieldAndOffset()
    {
        var bytes = SampleTestData().Encode().AsSpan(0, 47).ToArray();
        var e = Assert.Throws<DecodeException>(() => TestData.Decode(bytes));
        Assert.Equal("DECODE", e.Code);
        Assert.Equal("TestData.scores", e.FieldPath);
        Assert.Equal(44, e.Offset);
    }

    [Fact]
    public void HostileLengthsAreRefusedBeforeAllocating()
    {
        var bytes = new byte[16];
        BitConverter.TryWriteBytes(bytes, int.MaxValue);
        var e = Assert.Throws<DecodeException>(() => ImageData.Decode(bytes));
        Assert.Equal("ImageData.path", e.FieldPath);
        Assert.Equal(4, e.Offset);
        var db = new byte[12];
        BitConverter.TryWriteBytes(db.AsSpan(4), uint.MaxValue);
        Assert.Equal("HikingDatabase.hikes", Assert.Throws<DecodeException>(() => HikingDatabase.Decode(db)).FieldPath);
    }

    [Fact]
    public void EncodeErrorsNameTheField()
    {
        var tooSmall = new byte[47];
        Assert.Equal("ENCODE", Assert.Throws<EncodeException>(() => SampleTestData().EncodeInto(tooSmall)).Code);
        var bad = new JsonRecord { Json = "a\ud800" };
        Assert.Equal("JsonRecord.json", Assert.Throws<Twinmap.Formats.EncodeException>(() => bad.Encode()).FieldPath);
        var invalid = new byte[] { 2, 0, 0, 0, 0xc3, 0x28 };
        Assert.Equal("JsonRecord.json", Assert.Throws<Twinmap.Formats.DecodeException>(() => JsonRecord.Decode(invalid)).FieldPath);
    }

    // Text is checked while it is decoded (the throwing UTF8Encoding's count, then a transcode into
    // the string): every kind of bad UTF-8 is a DecodeException naming the field and its offset,
    // as a separate Utf8.IsValid check before GetString made it.
    [Theory]
    [InlineData(new byte[] { 0xff })]                    // never a UTF-8 byte
    [InlineData(new byte[] { 0x61, 0x80, 0x62 })]        // a continuation byte alone
    [InlineData(new byte[] { 0x61, 0xc3 })]              // a sequence cut off at the end of the field
    [InlineData(new byte[] { 0xc3, 0x28 })]              // a lead byte without its continuation
    [InlineData(new byte[] { 0xc0, 0x80 })]              // overlong NUL
    [InlineData(new byte[] { 0xe0, 0x80, 0xaf })]        // overlong '/'
    [InlineData(new byte[] { 0xed, 0xa0, 0x80 })]        // an encoded UTF-16 surrogate
    [InlineData(new byte[] { 0xf4, 0x90, 0x80, 0x80 })]  // past U+10FFFF
    public void TextThatIsNotUtf8IsADecodeExceptionNamingTheFieldAndOffset(byte[] text)
    {
        foreach (string pad in new[] { "", new string('a', 40), "C:\\图片\\😀" + new string('é', 30) })
        {
            byte[] bad = [.. Encoding.UTF8.GetBytes(pad), .. text, .. Encoding.UTF8.GetBytes(pad)];
            Assert.False(System.Text.Unicode.Utf8.IsValid(bad));
            byte[] bytes = [.. BitConverter.GetBytes(bad.Length), .. bad, 1, 0, 0, 0, 7];
            var e = Assert.Throws<DecodeException>(() => ImageData.Decode(bytes));
            Assert.Equal("ImageData.path", e.FieldPath);
            Assert.Equal(4, e.Offset);
            Assert.Contains("not valid UTF-8", e.Message);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.png")]
    [InlineData("C:\\Users\\ada\\Pictures\\img_0001.png")]
    [InlineData("C:\\图片\\😀.png")]
    [InlineData("ééééééééééééééééééééééééééééééééééééééé")]
    public void DecodeGivesBackTheText(string path)
    {
        var v = ImageData.Decode(new ImageData { Path = path, Image = [1, 2, 3] }.Encode(), out int read);
        Assert.Equal(path, v.Path);
        Assert.Equal([1, 2, 3], v.Image);
        Assert.Equal(8 + Encoding.UTF8.GetByteCount(path) + 3, read);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.png")]
    [InlineData("C:\\图片\\😀.png")]
    [InlineData("ééééééééééééééééééééééééééééééééééééééé")]
    public void EncodeIntoWritesTheTextAsUtf8InAnyBufferThatHasRoom(string path)
    {
        var v = new ImageData { Path = path, Image = [1, 2, 3] };
        byte[] text = System.Text.Encoding.UTF8.GetBytes(path);
        byte[] expected = [.. BitConverter.GetBytes(text.Length), .. text, 3, 0, 0, 0, 1, 2, 3];
        foreach (int room in new[] { expected.Length, expected.Length + 200 })
        {
            var buffer = new byte[room];
            Assert.Equal(expected.Length, v.EncodeInto(buffer));
            Assert.Equal(expected, buffer[..expected.Length]);
        }
        Assert.Equal(expected, v.Encode());
    }

    [Fact]
    public void EncodeIntoABigBufferStillNamesABadFieldAndAShortBufferIsLeftAlone()
    {
        var lone = new ImageData { Path = "a\ud800b", Image = [1] };
        Assert.Equal("ImageData.path", Assert.Throws<EncodeException>(() => lone.EncodeInto(new byte[1000])).FieldPath);
        var v = new ImageData { Path = "abc", Image = [1, 2] };
        var shortBuffer = new byte[v.EncodedSize() - 1];
        Array.Fill(shortBuffer, (byte)0xee);
        Assert.Equal("ImageData", Assert.Throws<EncodeException>(() => v.EncodeInto(shortBuffer)).FieldPath);
        Assert.All(shortBuffer, b => Assert.Equal(0xee, b));
    }
}
