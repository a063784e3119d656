using System.Diagnostics;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace Twinmap.Tests;

// SharedMap (C#) on .NET 10, Linux only (named maps are /dev/shm/<base>; the Windows path is untested here). Node <-> .NET interop is in
// interop-tests/map-*.test.ts.
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SharedMapTests : IDisposable
{
    private readonly List<string> _names = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("twinmap-cs-map-").FullName;

    private string Unique(string tag)
    {
        var name = $"tm-cs-map-{tag}-{Environment.ProcessId}-{Guid.NewGuid():N}";
        _names.Add(name);
        return name;
    }

    public void Dispose()
    {
        foreach (var n in _names) SharedMap.Unlink(n);
        Directory.Delete(_dir, recursive: true);
    }

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    private struct Pair
    {
        public int A;
        public long B;
    }

    [Fact]
    public void CreateMakesAnOwnerOnlyShmObjectOfExactlyTheSize()
    {
        var name = Unique("create");
        using var map = SharedMap.Create($"Local\\{name}", 5000);
        Assert.True(map.CreatedNew);
        Assert.Equal(5000, map.Size);
        Assert.Equal($"/dev/shm/{name}", map.Path);
        Assert.Equal(5000, new FileInfo(map.Path!).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(map.Path!));
        Assert.Equal(5000, map.AsSpan().Length);
    }

    [Fact]
    public void ModeIsWhatWasAskedFor()
    {
        var name = Unique("mode");
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        using var map = SharedMap.Create(name, 64, mode);
        Assert.Equal(mode, File.GetUnixFileMode(map.Path!));
    }

    [Fact]
    public void TwoMappingsShareThePages()
    {
        var name = Unique("share");
        using var a = SharedMap.Create(name, 4096);
        using var b = SharedMap.Open($"Global\\{name}");
        Assert.False(b.CreatedNew);
        a.AsSpan()[100] = 0xAB;
        Assert.Equal(0xAB, b.AsReadOnlySpan()[100]);
        var pair = new Pair { A = 7, B = -9 };
        b.Accessor.Write(8, ref pair);
        Assert.Equal(7, BitConverter.ToInt32(a.GetReadOnlySpan(8, 4)));
        Assert.Equal(-9, BitConverter.ToInt64(a.GetReadOnlySpan(12, 8)));
    }

    [Fact]
    public void CreateOfAnExistingNameIsAlreadyExistsAndLeavesItAlone()
    {
        var name = Unique("exists");
        using var a = SharedMap.Create(name, 64);
        a.AsSpan()[0] = 9;
        var e = Assert.Throws<AlreadyExistsException>(() => SharedMap.Create(name, 128));
        Assert.Contains(name, e.Message);
        Assert.Equal(64, new FileInfo(a.Path!).Length);
        Assert.Equal(9, a.AsSpan()[0]);
    }

    [Fact]
    public void OpenOfAMissingNameIsNotFound()
    {
        var name = Unique("missing");
        var e = Assert.Throws<NotFoundException>(() => SharedMap.Open(name));
        Assert.Equal(TwinmapErrorCode.NotFound, e.Code);
        Assert.Contains(name, e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("..x")]
    [InlineData("Foo\\x")]
    [InlineData("Global\\")]
    public void InvalidNamesAreRefused(string bad)
    {
        Assert.Throws<InvalidNameException>(() => SharedMap.Create(bad, 64));
        Assert.Throws<InvalidNameException>(() => SharedMap.Open(bad));
        Assert.Throws<InvalidNameException>(() => SharedMap.OpenOrCreate(bad, 64));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void NonPositiveSizesAreInvalidArguments(long size)
    {
        var name = Unique("size");
        var e = Assert.Throws<TwinmapException>(() => SharedMap.Create(name, size));
        Assert.Equal(TwinmapErrorCode.InvalidArgument, e.Code);
        Assert.False(File.Exists($"/dev/shm/{name}"));
    }

    [Fact]
    public void AFullShmIsAnErrorAtCreateNotASigbusLater()
    {
        var name = Unique("huge");
        var e = Assert.Throws<TwinmapException>(() => SharedMap.Create(name, 1L << 50));
        Assert.Equal(TwinmapErrorCode.Os, e.Code);
        Assert.False(File.Exists($"/dev/shm/{name}")); // the half-made object is removed
    }

    [Fact]
    public void OpenOrCreateMapsALargerMapWholeAndRefusesASmallerOne()
    {
        var name = Unique("ooc");
        using var a = SharedMap.OpenOrCreate(name, 8192);
        Assert.True(a.CreatedNew);
        using var b = SharedMap.OpenOrCreate(name, 100);
        Assert.False(b.CreatedNew);
        Assert.Equal(8192, b.Size);
        var e = Assert.Throws<TwinmapException>(() => SharedMap.OpenOrCreate(name, 10000));
        Assert.Equal(TwinmapErrorCode.InvalidArgument, e.Code);
        Assert.Contains("8192 bytes, fewer than the 10000", e.Message);
    }

    [Fact]
    public void AnUnsizedObjectIsBadHeaderAfterABriefWait()
    {
        var name = Unique("empty");
        File.WriteAllBytes($"/dev/shm/{name}", []);
        var sw = Stopwatch.StartNew();
        Assert.Throws<BadHeaderException>(() => SharedMap.Open(name));
        Assert.True(sw.ElapsedMilliseconds < 5000);
    }

    [Fact]
    public void ReadOnlyMapsHaveNoWritableSpanAndSeeLiveWrites()
    {
        var name = Unique("ro");
        using var w = SharedMap.Create(name, 4096);
        using var r = SharedMap.Open(name, readOnly: true);
        Assert.True(r.ReadOnly);
        Assert.Throws<ReadOnlyException>(() => r.AsSpan());
        Assert.Throws<ReadOnlyException>(() => r.GetSpan(0, 1));
        Assert.Throws<NotSupportedException>(() => r.Accessor.Write(0, 1));
        w.AsSpan()[5] = 42;
        Assert.Equal(42, r.AsReadOnlySpan()[5]);
        Assert.Equal(42, r.Accessor.ReadByte(5));
    }

    [Fact]
    public void UseAfterDisposeIsClosedAndDisposeIsIdempotent()
    {
        var name = Unique("closed");
        var map = SharedMap.Create(name, 64);
        map.Dispose();
        map.Dispose();
        Assert.True(map.IsClosed);
        Assert.Equal(TwinmapErrorCode.Closed, Assert.Throws<ClosedException>(() => map.AsSpan()).Code);
        Assert.Equal(TwinmapErrorCode.Closed, Assert.Throws<ClosedException>(() => map.AsReadOnlySpan()).Code);
        Assert.Equal(TwinmapErrorCode.Closed, Assert.Throws<ClosedException>(() => map.Accessor).Code);
        Assert.Equal(TwinmapErrorCode.Closed, Assert.Throws<ClosedException>(map.Flush).Code);
    }

    [Fact]
    public void SpansAreRangeChecked()
    {
        using var map = SharedMap.Create(Unique("range"), 64);
        var e = Assert.Throws<TwinmapException>(() => map.GetSpan(60, 5));
        Assert.Equal(TwinmapErrorCode.InvalidArgument, e.Code);
        Assert.Contains("5 bytes at offset 60", e.Message);
        Assert.Equal(4, map.GetSpan(60, 4).Length);
    }

    [Fact]
    public void UnlinkRemovesTheNameButNotOpenMaps()
    {
        var name = Unique("unlink");
        using var a = SharedMap.Create(name, 64);
        Assert.True(SharedMap.Unlink(name));
        Assert.False(SharedMap.Unlink(name));
        Assert.Throws<NotFoundException>(() => SharedMap.Open(name));
        a.AsSpan()[1] = 2;
        Assert.Equal(2, a.AsSpan()[1]);
    }

    [Fact]
    public void CreateFileAndOpenFile()
    {
        var path = Path.Combine(_dir, "f");
        using (var map = SharedMap.CreateFile(path, 48))
        {
            Assert.Null(map.Name);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            map.AsSpan()[..3].CopyTo(stackalloc byte[3]);
            new byte[] { 1, 2, 3 }.CopyTo(map.AsSpan());
            map.Flush();
        }
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path)[..3]);
        Assert.Equal(48, new FileInfo(path).Length);
        using var ro = SharedMap.OpenFile(path, readOnly: true);
        Assert.Equal(48, ro.Size);
        Assert.Equal(3, ro.AsReadOnlySpan()[2]);
        Assert.Throws<AlreadyExistsException>(() => SharedMap.CreateFile(path, 10));
        Assert.Throws<NotFoundException>(() => SharedMap.OpenFile(Path.Combine(_dir, "missing")));
    }

    [Fact]
    public void EmptyAndSpecialFilesAreInvalidArgumentsWithoutHanging()
    {
        var empty = Path.Combine(_dir, "empty");
        File.WriteAllBytes(empty, []);
        var fifo = Path.Combine(_dir, "fifo");
        Process.Start("mkfifo", fifo).WaitForExit();
        foreach (var path in new[] { empty, fifo, "/dev/zero", _dir })
        {
            foreach (var readOnly in new[] { true, false })
            {
                var e = Assert.Throws<TwinmapException>(() => SharedMap.OpenFile(path, readOnly));
                Assert.Equal(TwinmapErrorCode.InvalidArgument, e.Code);
            }
        }
    }
}
