namespace Twinmap.Tests;

public class TwinmapInfoTests
{
    [Fact]
    public void VersionMatchesTheNpmPackage()
    {
        // The repository root: up from bin/<config>/<tfm>[/<rid>] to the first package.json.
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "package.json"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var packageJson = File.ReadAllText(Path.Combine(dir.FullName, "package.json"));
        Assert.Contains($"\"version\": \"{TwinmapInfo.Version}\"", packageJson);
    }
}
