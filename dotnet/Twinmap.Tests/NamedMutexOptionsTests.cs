#if NET10_0_OR_GREATER // NamedWaitHandleOptions is a .NET 10 API
using System.Text.RegularExpressions;

namespace Twinmap.Tests;

// NamedMutex with .NET 10's NamedWaitHandleOptions (Linux): the same user-scoped files the TS
// side opens with { currentUserOnly, currentSessionOnly }. The user tree depends on the runtime
// that runs: /tmp/.dotnet-uid<euid> on .NET 10, $XDG_RUNTIME_DIR/.dotnet or
// ~/.dotnet/corefx/Runtime/SharedMemory/.dotnet on .NET 11.
public class NamedMutexOptionsTests
{
    private static string UserTreePattern => Environment.Version.Major >= 11
        ? (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR"))
            ? $"^{Regex.Escape(Environment.GetEnvironmentVariable("HOME") ?? "")}/\\.dotnet/corefx/Runtime/SharedMemory/\\.dotnet/shm/session\\d+/"
            : $"^{Regex.Escape(Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR")!)}/\\.dotnet/shm/session\\d+/")
        : @"^/tmp/\.dotnet-uid\d+/shm/session\d+/";

    private static string Unique(string tag) => $"tm-cs-{tag}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    [Fact]
    public void CurrentUserOnlyKeepsAPrivateFileInTheUsersTree()
    {
        if (!OperatingSystem.IsLinux()) return;
        string name = Unique("user");
        using var m = NamedMutex.Create(name, new NamedWaitHandleOptions { CurrentUserOnly = true });
        string path = NamedMutex.SharedMemoryPath(ParsedName.Parse(name), currentUserOnly: true)!;
        Assert.Matches(UserTreePattern, path);
        Assert.True(File.Exists(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        // The same name without options: another mutex in the shared tree on .NET 10; the same
        // user-scoped mutex on .NET 11 (its default scope).
        if (NamedMutex.DefaultIsCurrentUserOnly)
        {
            Assert.Throws<AlreadyExistsException>(() => NamedMutex.Create(name));
        }
        else
        {
            using var shared = NamedMutex.Create(name);
            Assert.True(shared.CreatedNew);
        }
        using var again = NamedMutex.Open(name, new NamedWaitHandleOptions { CurrentUserOnly = true });
        Assert.False(again.CreatedNew);
    }

    [Fact]
    public void NotSessionOnlyMakesANameWithoutPrefixGlobal()
    {
        if (!OperatingSystem.IsLinux()) return;
        string name = Unique("glob");
        var options = new NamedWaitHandleOptions { CurrentUserOnly = true, CurrentSessionOnly = false };
        using var m = NamedMutex.Create(name, options);
        Assert.True(File.Exists(NamedMutex.SharedMemoryPath(ParsedName.Parse(@"Global\" + name), currentUserOnly: true)));
        using var opened = NamedMutex.Open(@"Global\" + name, options);
        Assert.Equal(LockResult.Acquired, opened.TryLock());
        opened.Unlock();
    }

    [Fact]
    public void APrefixThatContradictsCurrentSessionOnlyIsAnInvalidName()
    {
        var e = Assert.Throws<InvalidNameException>(() => NamedMutex.OpenOrCreate(@"Global\x", new NamedWaitHandleOptions { CurrentSessionOnly = true }));
        Assert.Contains("Local", e.Message);
        Assert.Throws<InvalidNameException>(() => NamedMutex.Open(@"Local\x", new NamedWaitHandleOptions { CurrentSessionOnly = false }));
    }

    [Fact]
    public void AUserScopedFileOthersCanReadIsAPermissionError()
    {
        if (!OperatingSystem.IsLinux()) return;
        string name = Unique("perm");
        string path = NamedMutex.SharedMemoryPath(ParsedName.Parse(name), currentUserOnly: true)!;
        // Make the user tree exist the way .NET makes it, then plant a mutex file others can read.
        NamedMutex.Create(Unique("tree"), new NamedWaitHandleOptions { CurrentUserOnly = true }).Dispose();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var bytes = new byte[4096];
        bytes[1] = 1; // type 0 (mutex), version 1
        File.WriteAllBytes(path, bytes);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        try
        {
            var e = Assert.ThrowsAny<TwinmapException>(() => NamedMutex.Open(name, new NamedWaitHandleOptions { CurrentUserOnly = true }));
            Assert.Equal(TwinmapErrorCode.Permission, e.Code);
            Assert.Contains(path, e.Message);
            // The control: the same file private to this user is merely stale (nobody has it open).
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Assert.Throws<NotFoundException>(() => NamedMutex.Open(name, new NamedWaitHandleOptions { CurrentUserOnly = true }));
        }
        finally
        {
            if (File.Exists(path)) File.Delete(path);
        }
    }
}
#endif
