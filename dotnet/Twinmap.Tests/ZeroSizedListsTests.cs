using DecodeException = Twinmap.Formats.DecodeException;
using EncodeException = Twinmap.Formats.EncodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// Lists to the end (repeat: eos) or until a condition (repeat: until) of elements that may be 0 bytes
// long (ts/gen/fixtures/features/zero_sized_lists.ksy, generated into Features/): the inputs and
// values TypeScript and Kaitai's parser agree on (ts/gen/zero-sized-lists.test.ts), and the
// DecodeException where an element reads nothing and does not end the list (Kaitai loops there).
public class ZeroSizedListsTests
{
    private static byte[] Hex(string s) => Convert.FromHexString(s.Replace(" ", ""));

    [Fact]
    public void ReadsAsKaitaiDoes()
    {
        var v = ZeroSizedLists.Decode(Hex("04 6162 0000  03 01 61 2e  02 01020304"));
        Assert.Equal(["ab", ""], v.Words.Words);
        Assert.Equal(new byte[][] { [0x61], [0x2e] }, v.Marks.Marks);
        Assert.Equal(new byte[][] { [1, 2], [3, 4] }, v.Items.Items.Select((i) => i.Body).ToArray());
        // The root reads _io.size (decode-only): its lists are written back.
        Assert.Equal("01612e", Convert.ToHexString(v.Marks.Encode()).ToLowerInvariant());
        Assert.Equal("0201020304", Convert.ToHexString(v.Items.Encode()).ToLowerInvariant());

        // A last word cut by the end, then an empty one at the end; no items.
        var cut = ZeroSizedLists.Decode(Hex("02 6162  02 01 2e  00"));
        Assert.Equal(["ab", ""], cut.Words.Words);
        Assert.Empty(cut.Items.Items);
        // An empty word stream: one empty word (written back as its terminator).
        var empty = ZeroSizedLists.Decode(Hex("00  02 01 2e  03 070809"));
        Assert.Equal([""], empty.Words.Words);
        Assert.Equal(new byte[] { 7, 8, 9 }, Assert.Single(empty.Items.Items).Body);
        Assert.Equal("00", Convert.ToHexString(empty.Words.Encode()).ToLowerInvariant());
    }

    [Fact]
    public void AnElementThatReadsNothingAndDoesNotEndTheListIsADecodeException()
    {
        var eos = Assert.Throws<DecodeException>(() => ZeroSizedLists.Decode(Hex("00  02 01 2e  00 05")));
        Assert.Equal("ZeroSizedLists.items.items", eos.FieldPath);
        Assert.Equal(5, eos.Offset);
        Assert.Contains("element 0 read no bytes and the stream is not at its end", eos.Message);
        foreach (var hex in new[] { "00  01 00  00", "00  03 00 aabb  00" })
        {
            var until = Assert.Throws<DecodeException>(() => ZeroSizedLists.Decode(Hex(hex)));
            Assert.Equal("ZeroSizedLists.marks.marks", until.FieldPath);
            Assert.Equal(3, until.Offset);
            Assert.Contains("does not meet the repeat-until condition", until.Message);
        }
    }

    [Fact]
    public void AnElementOfNoBytesInARepeatToTheEndIsNotEncoded()
    {
        var v = new ItemList { LenItem = 2, Items = [new ZeroSizedListsItem { Body = [1, 2] }] };
        Assert.Equal("020102", Convert.ToHexString(v.Encode()).ToLowerInvariant());
        v.LenItem = 0;
        v.Items = [new ZeroSizedListsItem { Body = [] }];
        Assert.Contains("element 0 takes no bytes", Assert.Throws<EncodeException>(() => v.Encode()).Message);
        v.Items = [];
        Assert.Equal("00", Convert.ToHexString(v.Encode()).ToLowerInvariant());
        // An element that meets the condition may take no bytes: it ends the list.
        Assert.Equal("61620000", Convert.ToHexString(new WordList { Words = ["ab", ""] }.Encode()).ToLowerInvariant());
    }
}
