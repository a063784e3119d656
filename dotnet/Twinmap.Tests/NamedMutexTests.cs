namespace Twinmap.Tests;

// NamedMutex (C#) over System.Threading.Mutex, on .NET 10. Cross-process and Node interop are in
// interop-tests/mutex-*.test.ts.
public class NamedMutexTests
{
    private static string Unique(string tag) => $"tm-cs-{tag}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    [Fact]
    public void CreateOpenAndOpenOrCreateReportWhatExists()
    {
        string name = Unique("modes");
        Assert.Throws<NotFoundException>(() => NamedMutex.Open(name));
        using var created = NamedMutex.Create(name);
        Assert.True(created.CreatedNew);
        Assert.Throws<AlreadyExistsException>(() => NamedMutex.Create(name));
        using var opened = NamedMutex.Open(name);
        Assert.False(opened.CreatedNew);
        using var again = NamedMutex.OpenOrCreate(name);
        Assert.False(again.CreatedNew);
    }

    [Fact]
    public void LockIsRecursiveAndUnbalancedUnlockIsNotOwner()
    {
        using var m = NamedMutex.OpenOrCreate(Unique("rec"));
        Assert.Equal(LockResult.Acquired, m.Lock());
        Assert.Equal(LockResult.Acquired, m.TryLock());
        m.Unlock();
        m.Unlock();
        var e = Assert.Throws<NotOwnerException>(m.Unlock);
        Assert.Equal(TwinmapErrorCode.NotOwner, e.Code);
    }

    [Fact]
    public void TimesOutWhileAnotherThreadHoldsIt()
    {
        string name = Unique("timeout");
        using var m = NamedMutex.OpenOrCreate(name);
        using var held = new ManualResetEventSlim();
        using var done = new ManualResetEventSlim();
        var t = new Thread(() =>
        {
            using var other = NamedMutex.Open(name);
            other.Lock();
            held.Set();
            done.Wait();
            other.Unlock();
        });
        t.Start();
        held.Wait();
        Assert.Equal(LockResult.Timeout, m.Lock(100));
        Assert.Equal(LockResult.Timeout, m.TryLock());
        var e = Assert.Throws<Twinmap.TimeoutException>(() => m.WithLock(_ => 1, 50));
        Assert.Equal(TwinmapErrorCode.Timeout, e.Code);
        done.Set();
        t.Join();
        Assert.Equal(42, m.WithLock(r => r == LockResult.Acquired ? 42 : 0));
    }

    [Fact]
    public void AThreadEndingWhileHoldingItAbandonsIt()
    {
        string name = Unique("abandon");
        using var m = NamedMutex.OpenOrCreate(name);
        var t = new Thread(() => NamedMutex.Open(name).Lock()); // never unlocked
        t.Start();
        t.Join();
        Assert.Equal(LockResult.Abandoned, m.Lock(5000));
        m.Unlock();
        Assert.Equal(LockResult.Acquired, m.Lock(5000));
        m.Unlock();
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("global\\x")]
    [InlineData("Global\\")]
    public void RefusesInvalidNames(string name)
    {
        Assert.Throws<InvalidNameException>(() => NamedMutex.OpenOrCreate(name));
    }

    [Fact]
    public void AFileThatIsNotAMutexIsBadHeader()
    {
        if (!OperatingSystem.IsLinux()) return;
        string name = Unique("badhdr");
        // Where new Mutex(false, name) looks on this runtime (.NET 11: the user's private tree).
        string path = NamedMutex.SharedMemoryPath(ParsedName.Parse(name))!;
        bool user = NamedMutex.DefaultIsCurrentUserOnly;
        if (user) NamedMutex.Create(Unique("tree")).Dispose(); // .NET makes the tree, with its modes
        Directory.CreateDirectory(Path.GetDirectoryName(path)!, user ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute : (UnixFileMode)0b111_111_111);
        var bytes = new byte[4096];
        bytes[0] = 1; // type 1: not a mutex
        bytes[1] = 1;
        File.WriteAllBytes(path, bytes);
        File.SetUnixFileMode(path, user ? UnixFileMode.UserRead | UnixFileMode.UserWrite : (UnixFileMode)0b110_110_110);
        try
        {
            // FileStream holds flock(LOCK_SH) on Unix, as a live user of the file does.
            using var live = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            Assert.Throws<BadHeaderException>(() => NamedMutex.OpenOrCreate(name));
            Assert.Throws<BadHeaderException>(() => NamedMutex.Open(name));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
