namespace Twinmap.Tests;

public class NamesTests
{
    [Theory]
    [InlineData("x", NameScope.Session, "x")]
    [InlineData("Local\\x", NameScope.Session, "x")]
    [InlineData("Global\\x", NameScope.Global, "x")]
    [InlineData("Global\\ünïcode-名前", NameScope.Global, "ünïcode-名前")]
    public void MapsPrefixesToScopesLikeDotNet(string name, NameScope scope, string baseName)
    {
        Assert.Equal(new ParsedName(name, scope, baseName), ParsedName.Parse(name));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("Global\\", "nothing follows the prefix")]
    [InlineData("global\\x", "bad prefix \"global\\\"")]
    [InlineData("Session\\x", "bad prefix")]
    [InlineData("Global\\a\\b", "'\\' is not allowed after the prefix")]
    [InlineData("a/b", "'/' is not allowed")]
    [InlineData("..", "'..' are not allowed")]
    [InlineData("a..b", "'..' are not allowed")]
    [InlineData(".", "'.' alone")]
    [InlineData("a\0b", "NUL")]
    public void RefusesBadNamesSayingWhy(string name, string why)
    {
        var e = Assert.Throws<InvalidNameException>(() => ParsedName.Parse(name));
        Assert.Equal(TwinmapErrorCode.InvalidName, e.Code);
        Assert.Equal(name, e.InvalidName);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void RefusesOverlongNamesCountingUtf8Bytes()
    {
        Assert.Contains("256 UTF-8 bytes", Assert.Throws<InvalidNameException>(() => ParsedName.Parse(new string('x', 256))).Message);
        Assert.Contains("256 UTF-8 bytes", Assert.Throws<InvalidNameException>(() => ParsedName.Parse(new string('é', 128))).Message);
        Assert.Equal(255, ParsedName.Parse("Global\\" + new string('x', 255)).Base.Length);
    }
}
