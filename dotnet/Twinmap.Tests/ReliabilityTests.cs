using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Twinmap.Tests;

// Reliability (Linux): what another local user or bad luck can put at /dev/shm/<name>, options that
// must be refused before anything is created, typed errors, and maps dropped without Dispose.
// The attacks that need a second user run it as `twinmap-probe` (created here when missing); they
// need root, which CI has.
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ReliabilityTests : IDisposable
{
    private const string ProbeUser = "twinmap-probe";
    private readonly List<string> _paths = [];

    private static bool IsRoot => Environment.UserName == "root";

    private string Unique(string tag)
    {
        var name = $"tm-cs-rel-{tag}-{Environment.ProcessId}-{Guid.NewGuid():N}";
        _paths.Add($"/dev/shm/{name}");
        return name;
    }

    public void Dispose()
    {
        foreach (var p in _paths) File.Delete(p);
    }

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {error}");
        return output.Trim();
    }

    private static (int Uid, int Gid) OtherUser()
    {
        try
        {
            Run("id", "-u", ProbeUser);
        }
        catch (InvalidOperationException)
        {
            try { Run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", ProbeUser); }
            catch (InvalidOperationException) { /* created meanwhile by another test run: checked below */ }
        }
        return (int.Parse(Run("id", "-u", ProbeUser)), int.Parse(Run("id", "-g", ProbeUser)));
    }

    private static void AsOtherUser(params string[] command)
    {
        var (uid, gid) = OtherUser();
        Run("setpriv", [$"--reuid={uid}", $"--regid={gid}", "--clear-groups", "--", .. command]);
    }

    private static TwinmapException Refused(Func<object> open, string code)
    {
        var e = Assert.ThrowsAny<TwinmapException>(() => { using var _ = (IDisposable)open(); });
        Assert.Equal(code, e.Code);
        return e;
    }

    [Fact]
    public void ASymlinkAtTheNameIsNeverFollowed()
    {
        if (!IsRoot) return; // planting as another user needs root (CI runs as root)
        var name = Unique("link");
        var target = Path.Combine(Path.GetTempPath(), $"{name}-target");
        File.WriteAllBytes(target, Enumerable.Repeat((byte)7, 4096).ToArray());
        try
        {
            var link = $"/dev/shm/{name}";
            AsOtherUser("ln", "-s", target, link);
            Assert.Contains(link, Refused(() => SharedMap.Open(name), TwinmapErrorCode.Permission).Message);
            Assert.Contains("symbolic link", Refused(() => SharedMap.Open(name, readOnly: true), TwinmapErrorCode.Permission).Message);
            Refused(() => SharedMap.OpenOrCreate(name, 4096), TwinmapErrorCode.Permission);
            Assert.Throws<AlreadyExistsException>(() => SharedMap.Create(name, 4096));
            Assert.All(File.ReadAllBytes(target), b => Assert.Equal(7, b));
            Assert.True(new FileInfo(link).LinkTarget is not null);
        }
        finally
        {
            File.Delete(target);
        }
    }

    [Fact]
    public void AnotherUsersObjectIsRefusedUnlessAllowed()
    {
        if (!IsRoot) return;
        var name = Unique("foreign");
        var path = $"/dev/shm/{name}";
        AsOtherUser("sh", "-c", $"head -c 4096 /dev/zero > {path} && chmod 666 {path}");
        var e = Refused(() => SharedMap.Open(name), TwinmapErrorCode.Permission);
        Assert.Contains($"owned by uid {OtherUser().Uid}", e.Message);
        Assert.Contains("allowForeignOwner", e.Message);
        Refused(() => SharedMap.OpenOrCreate(name, 4096), TwinmapErrorCode.Permission);
        Refused(() => Channel.Open(name), TwinmapErrorCode.Permission);
        using var map = SharedMap.Open(name, allowForeignOwner: true);
        map.AsSpan()[0] = 42;
        Assert.Equal(42, File.ReadAllBytes(path)[0]);
    }

    [Fact]
    public async Task AFifoAtTheNameFailsAtOnce()
    {
        if (!IsRoot) return;
        var name = Unique("fifo");
        AsOtherUser("mkfifo", "-m", "666", $"/dev/shm/{name}");
        var open = Task.Run(() => Refused(() => SharedMap.Open(name, readOnly: true, allowForeignOwner: true), TwinmapErrorCode.InvalidArgument));
        // A regression would wait for a writer for ever: the time limit turns that into a failure.
        var e = await open.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("it is a FIFO, not a regular file", e.Message);
    }

    [Fact]
    public void ANameWithASecondHardLinkIsRefused()
    {
        var name = Unique("hardlink");
        var other = $"/dev/shm/{name}-other";
        _paths.Add(other);
        File.WriteAllBytes(other, new byte[4096]);
        Run("ln", other, $"/dev/shm/{name}");
        Assert.Contains("2 hard links", Refused(() => SharedMap.Open(name), TwinmapErrorCode.Permission).Message);
    }

    [Fact]
    public async Task AnOpenRacingALargeCreateSeesItsFullSize()
    {
        var name = Unique("race");
        const long size = 512L * 1024 * 1024;
        var create = Task.Run(() => SharedMap.Create(name, size));
        while (!File.Exists($"/dev/shm/{name}") && !create.IsCompleted) Thread.Yield();
        using (var opened = SharedMap.Open(name, readOnly: true)) Assert.Equal(size, opened.Size);
        (await create).Dispose();
    }

    [Theory]
    [InlineData(-1, 250, "SpinMicros")]
    [InlineData(50, 0, "PeerCheckMs")]
    [InlineData(50, -5, "PeerCheckMs")]
    public void ChannelCreateWithBadOptionsLeavesNothingBehind(int spinMicros, int peerCheckMs, string option)
    {
        var name = Unique("badopt");
        var e = Assert.ThrowsAny<TwinmapException>(() => Channel.Create(name, new ChannelOptions { Capacity = 4096, SpinMicros = spinMicros, PeerCheckMs = peerCheckMs }));
        Assert.Equal(TwinmapErrorCode.InvalidArgument, e.Code);
        Assert.Contains(option, e.Message);
        Assert.False(File.Exists($"/dev/shm/{name}"));
        using var ok = Channel.Create(name, new ChannelOptions { Capacity = 4096 });
        Assert.Equal(4096, ok.Capacity);
    }

    [Fact]
    public void AttachMakesTheReaderWithoutTakingARecord()
    {
        var name = Unique("attach");
        using var reader = Channel.Create(name, new ChannelOptions { Capacity = 4096, Reader = true });
        using var writer = Channel.Open(name);
        writer.Send([1, 2]);
        using (var second = Channel.Open(name))
            Assert.Throws<AlreadyExistsException>(() => second.Attach());
        reader.Attach(); // idempotent
        Assert.Equal(new byte[] { 1, 2 }, reader.TryReceive());
        reader.Dispose();
        Assert.Throws<PeerGoneException>(() => writer.Send([3]));
    }

    [Fact]
    public void TypedErrorsMatchTheNodeSide()
    {
        var missing = Unique("missing");
        var notFound = Assert.Throws<NotFoundException>(() => Channel.Open(missing));
        Assert.Equal($"channel \"{missing}\" does not exist", notFound.Message);

        var name = Unique("typed");
        using var writer = Channel.Create(name, new ChannelOptions { Capacity = 4096 });
        using var reader = Channel.Open(name);
        reader.Attach();
        while (writer.TrySend(new byte[1000])) { }
        var timeout = Assert.Throws<Twinmap.TimeoutException>(() => writer.Send(new byte[1000], 50));
        Assert.Equal(TwinmapErrorCode.Timeout, timeout.Code);
        writer.Dispose();
        Assert.Throws<ClosedException>(() => writer.Send([1]));

        var map = SharedMap.Create(Unique("closed"), 4096);
        map.Dispose();
        Assert.Equal(TwinmapErrorCode.Closed, Assert.Throws<ClosedException>(() => map.AsSpan()).Code);
    }

    [Fact]
    public void AFileTheKernelWillNotMapIsATypedError()
    {
        // sysfs attributes report 4096 bytes but cannot be mmap'd.
        var e = Assert.ThrowsAny<TwinmapException>(() => SharedMap.OpenFile("/sys/kernel/mm/transparent_hugepage/enabled", readOnly: true));
        Assert.Contains("/sys/kernel/mm/transparent_hugepage/enabled", e.Message);
    }

    [Fact]
    public void AMutexFileThatIsASymlinkOrAFifoIsATypedError()
    {
        if (!IsRoot) return;
        var keepName = $"tm-cs-rel-keep-{Guid.NewGuid():N}";
        using var keep = NamedMutex.OpenOrCreate(keepName); // keeps the session directory
        var linkName = $"tm-cs-rel-mlink-{Guid.NewGuid():N}";
        var fifoName = $"tm-cs-rel-mfifo-{Guid.NewGuid():N}";
        var linkPath = NamedMutex.SharedMemoryPath(ParsedName.Parse(linkName))!;
        var fifoPath = NamedMutex.SharedMemoryPath(ParsedName.Parse(fifoName))!;
        var target = Path.Combine(Path.GetTempPath(), $"{linkName}-target");
        File.WriteAllBytes(target, Enumerable.Repeat((byte)5, 100).ToArray());
        try
        {
            if (linkPath.StartsWith("/tmp/.dotnet/", StringComparison.Ordinal))
            {
                AsOtherUser("ln", "-s", target, linkPath);
                AsOtherUser("mkfifo", "-m", "666", fifoPath);
            }
            else
            {
                // .NET 11 keeps plain names in a per-user tree (0700): another user cannot plant
                // there at all, so this process plants what a stale or careless writer might leave.
                Assert.Throws<InvalidOperationException>(() => AsOtherUser("ln", "-s", target, linkPath));
                Run("ln", ["-s", target, linkPath]);
                Run("mkfifo", ["-m", "600", fifoPath]);
            }
            var e = Assert.ThrowsAny<TwinmapException>(() => NamedMutex.OpenOrCreate(linkName));
            Assert.Equal(TwinmapErrorCode.Permission, e.Code);
            Assert.Contains("symbolic link", e.Message);
            Assert.Equal(100, new FileInfo(target).Length); // .NET would have truncated it to 4096
            Assert.Contains("is a FIFO, not a .NET mutex file", Assert.Throws<BadHeaderException>(() => NamedMutex.OpenOrCreate(fifoName)).Message);
        }
        finally
        {
            File.Delete(linkPath);
            File.Delete(fifoPath);
            File.Delete(target);
        }
    }

    [Fact]
    public void WithLockTimeoutIsATimeoutException()
    {
        var name = $"tm-cs-rel-wl-{Guid.NewGuid():N}";
        using var holder = NamedMutex.OpenOrCreate(name);
        Assert.Equal(LockResult.Acquired, holder.Lock());
        // Another thread: the mutex is recursive for the thread that holds it.
        Exception? thrown = null;
        var t = new Thread(() =>
        {
            using var other = NamedMutex.OpenOrCreate(name);
            thrown = Record.Exception(() => other.WithLock(_ => 0, 50));
        });
        t.Start();
        t.Join();
        var e = Assert.IsType<Twinmap.TimeoutException>(thrown);
        Assert.Equal(TwinmapErrorCode.Timeout, e.Code);
        holder.Unlock();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DropWithoutDispose(string name)
    {
        var map = SharedMap.Create(name, 64 * 1024);
        map.AsSpan()[0] = 1;
    }

    [Fact]
    public void AMapDroppedWithoutDisposeIsUnmappedByTheFinaliser()
    {
        var name = Unique("dropped");
        DropWithoutDispose(name);
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.DoesNotContain($"/dev/shm/{name}", File.ReadAllText("/proc/self/maps"));
    }
}
