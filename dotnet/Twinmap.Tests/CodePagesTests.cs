using EncodeException = Twinmap.Formats.EncodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// Single-byte code pages (ts/gen/fixtures/features/code_pages.ksy, generated into Features/): the
// same record as the TypeScript test, which checks it against Kaitai's parser.
public class CodePagesTests
{
    private static readonly byte[] Sample =
    [
        0x80, 0x81, 0xb0, 0xce, 0xe0, 0xe1, 0xfd, 0xfe,
        0x8f, 0xe0, 0xa8, 0xa2, 0xa5, 0xe2, 0,
        0xcd, 0xc9, 0xd2, 0,
        0xe4, 0xb7, 0xc2, 0,
        3, 0xa4, 0xa6, 0xb8,
        .. Enumerable.Range(0, 256).Select(b => (byte)b),
    ];

    // Code page 437 from 0x80 as published (and as the TypeScript runtime decodes it).
    private const string DosHigh =
        "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐" +
        "└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

    [Fact]
    public void DecodeAsKaitaiReadsThemAndEncodeBackToTheSameBytes()
    {
        var v = CodePages.Decode(Sample);
        Assert.Equal("Çü░╬αß²■", v.Dos);
        Assert.Equal("Привет", v.DosCyrillic);
        Assert.Equal("мир", v.Koi);
        Assert.Equal("ไทย", v.Thai);
        Assert.Equal("€Šž", v.Latin);
        // Every control byte is the same code point (.NET's own table moves 0x1A, 0x1C and 0x7F).
        Assert.Equal(new string(Enumerable.Range(0, 0x80).Select(b => (char)b).ToArray()), v.AllDos[..0x80]);
        Assert.Equal(DosHigh, v.AllDos[0x80..]);
        Assert.Equal(Sample, v.Encode());
    }

    [Fact]
    public void ACharacterTheCodePageLacksIsAnEncodeExceptionNamingTheField()
    {
        var v = CodePages.Decode(Sample);
        v.Koi = "Ω";
        Assert.Contains("koi", Assert.Throws<EncodeException>(() => v.Encode()).Message);
        v = CodePages.Decode(Sample);
        v.Dos = "ÇüЖ░╬αß²";
        Assert.Contains("dos", Assert.Throws<EncodeException>(() => v.Encode()).Message);
        v = CodePages.Decode(Sample);
        v.AllDos = "\u001a\u001c\u007f";
        Assert.Equal([0x1a, 0x1c, 0x7f], v.Encode()[^3..]);
    }
}
