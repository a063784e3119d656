namespace Twinmap.Tests;

// NamedMutex with .NET 10's NamedWaitHandleOptions (Linux, .NET 10, net10 layout): the same
// user-scoped files the TS side opens with { currentUserOnly, currentSessionOnly }.
public class NamedMutexOptionsTests
{
    private static string Unique(string tag) => $"tm-cs-{tag}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    [Fact]
    public void CurrentUserOnlyKeepsAPrivateFileInTheUsersTree()
    {
        if (!OperatingSystem.IsLinux()) return;
        string name = Unique("user");
        using var m = NamedMutex.Create(name, new NamedWaitHandleOptions { CurrentUserOnly = true });
        string path = NamedMutex.SharedMemoryPath(ParsedName.Parse(name), currentUserOnly: true)!;
        Assert.Matches(@"^/tmp/\.dotnet-uid\d+/shm/session\d+/", path);
        Assert.True(File.Exists(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        // The same name without options is another mutex, in the shared tree.
        using var shared = NamedMutex.Create(name);
        Assert.True(shared.CreatedNew);
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
