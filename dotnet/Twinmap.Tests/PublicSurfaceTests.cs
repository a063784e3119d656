using System.Text.RegularExpressions;

namespace Twinmap.Tests;

// What the Twinmap package makes public: the library's concepts only (no OS plumbing such as
// the futex calls, no sample records), and each public type in a file of its own.
public class PublicSurfaceTests
{
    private static readonly Type[] Exported = typeof(SharedMap).Assembly.GetExportedTypes();

    [Fact]
    public void ExportsOnlyTheTwinmapAndTwinmapFormatsNamespaces()
    {
        Assert.Empty(Exported.Where(t => t.Namespace is not ("Twinmap" or "Twinmap.Formats")).Select(t => t.FullName));
    }

    [Theory]
    [InlineData("Futex")]
    [InlineData("FutexWaitResult")]
    [InlineData("TestData")]
    [InlineData("ImageData")]
    [InlineData("MyDataStructure")]
    [InlineData("HikingDatabase")]
    public void DoesNotExport(string name)
    {
        Assert.DoesNotContain(name, Exported.Select(t => t.Name));
    }

    [Fact]
    public void EveryHandWrittenSourceFileDeclaresAtMostOnePublicType()
    {
        // tests run from dotnet/Twinmap.Tests/bin/<config>/<tfm>/
        // dotnet/ is the folder that holds the solution (bin/ is deeper for a RID-specific build).
        var dotnetDir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dotnetDir.FullName, "Twinmap.slnx"))) dotnetDir = dotnetDir.Parent ?? throw new DirectoryNotFoundException($"no Twinmap.slnx above {AppContext.BaseDirectory}");
        var library = Path.Combine(dotnetDir.FullName, "Twinmap");
        var declaration = new Regex(@"^public\s+(?:(?:sealed|static|unsafe|partial|readonly|abstract)\s+)*(?:class|struct|enum|record|interface)\s+(\w+)", RegexOptions.Multiline);
        var files = Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".g.cs", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToList();
        Assert.NotEmpty(files);
        var crowded = files
            .Select(f => (File: Path.GetRelativePath(library, f), Types: declaration.Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value).Distinct().ToList()))
            .Where(x => x.Types.Count > 1)
            .Select(x => $"{x.File}: {string.Join(", ", x.Types)}");
        Assert.Empty(crowded);
    }
}
