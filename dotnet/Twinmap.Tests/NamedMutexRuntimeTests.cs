using System.Runtime.InteropServices;

namespace Twinmap.Tests;

// What changes with the runtime that runs these tests (scripts/dotnet-unit-tests.mjs runs them on
// .NET 8 and 11 as well as the installed .NET 10).
public class NamedMutexRuntimeTests
{
    private static string Unique(string tag) => $"tm-cs-{tag}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    [Fact]
    public void RunsOnTheRuntimeTheRunNames()
    {
        // Set by scripts/dotnet-unit-tests.mjs: a run on the wrong runtime must not pass silently.
        string? expected = Environment.GetEnvironmentVariable("TWINMAP_EXPECT_DOTNET");
        Console.WriteLine($"runtime: {RuntimeInformation.FrameworkDescription}");
        if (expected is not null) Assert.Equal($".NET {expected}", RuntimeInformation.FrameworkDescription);
    }

    [Fact]
    public void PlainNamesAreUserScopedFromDotnet11OnUnlessTheSwitchIsSet()
    {
        bool expected = Environment.Version.Major >= 11
            && !(AppContext.TryGetSwitch("System.Threading.Mutex.UnsafeDefaultMutexScopeGlobal", out bool global) && global);
        Assert.Equal(expected, NamedMutex.DefaultIsCurrentUserOnly);
        if (!OperatingSystem.IsLinux()) return;
        string name = Unique("plain");
        using var m = NamedMutex.Create(name);
        string path = NamedMutex.SharedMemoryPath(ParsedName.Parse(name), NamedMutex.DefaultIsCurrentUserOnly)!;
        Assert.True(File.Exists(path), $"{path} exists ({RuntimeInformation.FrameworkDescription})");
        Assert.Equal(expected ? UnixFileMode.UserRead | UnixFileMode.UserWrite : (UnixFileMode)0b110_110_110, File.GetUnixFileMode(path));
    }
}
