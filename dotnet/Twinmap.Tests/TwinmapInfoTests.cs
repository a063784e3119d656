namespace Twinmap.Tests;

public class TwinmapInfoTests
{
    [Fact]
    public void VersionMatchesTheNpmPackage()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        var packageJson = File.ReadAllText(Path.Combine(root, "package.json"));
        Assert.Contains($"\"version\": \"{TwinmapInfo.Version}\"", packageJson);
    }
}
