using System.Runtime.InteropServices;
using System.Text.Json;

namespace Twinmap.Tests;

/// <summary>The runtime these tests run on is the one the run names: TWINMAP_DOTNET=&lt;id&gt;
/// (scripts/runtimes.json, set by npm run test:matrix) or, unset, the installed .NET 10.</summary>
public class RuntimeTests
{
    [Fact]
    public void RunsOnTheRuntimeTheRunNames()
    {
        string? id = Environment.GetEnvironmentVariable("TWINMAP_DOTNET");
        if (string.IsNullOrEmpty(id))
        {
            Assert.StartsWith(".NET 10.", RuntimeInformation.FrameworkDescription);
            return;
        }
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        using var pins = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "scripts", "runtimes.json")));
        string runtime = pins.RootElement.GetProperty("dotnet").GetProperty(id).GetProperty("runtime").GetString()!;
        Assert.Equal($".NET {runtime}", RuntimeInformation.FrameworkDescription);
    }
}
