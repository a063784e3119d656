using System.IO.MemoryMappedFiles;

namespace Twinmap;

/// <summary>How a named object is opened.</summary>
public enum OpenMode
{
    Create,
    Open,
    OpenOrCreate,
}

/// <summary>
/// A named region of shared memory with a twinmap header: the file /dev/shm/&lt;base&gt; mapped
/// read-write (the same file ts/shm-region.ts opens). The creator makes it with O_EXCL, lets
/// the caller write the header, and publishes the magic number last; an opener that finds no
/// magic yet waits a little, then reports BAD_HEADER.
/// </summary>
internal sealed unsafe class SharedRegion : IDisposable
{
    public const string ShmDir = "/dev/shm";

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private byte* _base;

    public ParsedName Name { get; }
    public string Path { get; }
    public long Length { get; }
    public bool Created { get; }

    /// <summary>The first byte of the mapping; throws CLOSED after Dispose.</summary>
    public byte* Base => _base != null ? _base : throw new TwinmapException(TwinmapErrorCode.Closed, $"\"{Name.Original}\" is closed");

    private SharedRegion(ParsedName name, string path, FileStream fs, long length, bool created)
    {
        Name = name;
        Path = path;
        Length = length;
        Created = created;
        _file = MemoryMappedFile.CreateFromFile(fs, null, length, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
        _view = _file.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite);
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _base = p + _view.PointerOffset;
    }

    /// <summary>The first byte of the mapping, or null after Dispose.</summary>
    public byte* BaseOrNull => _base;

    public static string PathOf(ParsedName name) => $"{ShmDir}/{name.Base}";

    /// <summary>
    /// Opens or creates the region. <paramref name="init"/> writes a new header (all but the
    /// magic); <paramref name="check"/> validates an existing one (pointer, file size) and returns
    /// the length to map, throwing <see cref="BadHeaderException"/> for garbage.
    /// </summary>
    public static SharedRegion Open(string nameText, OpenMode mode, string kind, int magicOffset, uint magic,
        long createSize, Action<nint> init, Func<nint, long, long> check)
    {
        var name = ParsedName.Parse(nameText);
        var path = PathOf(name);
        if (mode != OpenMode.Open)
        {
            FileStream? fs = null;
            try
            {
                var options = new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.ReadWrite,
                    Share = FileShare.ReadWrite | FileShare.Delete,
                };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                fs = new FileStream(path, options);
            }
            catch (IOException) when (mode == OpenMode.OpenOrCreate && File.Exists(path))
            {
            }
            catch (IOException e) when (File.Exists(path))
            {
                throw new AlreadyExistsException($"create {kind} \"{nameText}\": {path} already exists", e);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new TwinmapException(TwinmapErrorCode.Permission, $"create {kind} \"{nameText}\": {e.Message}", e);
            }
            if (fs is not null)
            {
                try
                {
                    fs.SetLength(createSize);
                    var region = new SharedRegion(name, path, fs, createSize, created: true);
                    init((nint)region._base);
                    Volatile.Write(ref *(int*)(region._base + magicOffset), (int)magic);
                    Interlocked.MemoryBarrier();
                    return region;
                }
                catch
                {
                    try { File.Delete(path); } catch (IOException) { }
                    fs.Dispose();
                    throw;
                }
            }
        }
        return OpenExisting(nameText, name, path, kind, magicOffset, magic, check);
    }

    private static SharedRegion OpenExisting(string nameText, ParsedName name, string path, string kind, int magicOffset, uint magic,
        Func<nint, long, long> check)
    {
        var deadline = Environment.TickCount64 + 1000;
        for (;;)
        {
            FileStream fs;
            try
            {
                fs = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite | FileShare.Delete });
            }
            catch (FileNotFoundException e)
            {
                throw new NotFoundException($"open {kind} \"{nameText}\": {path} does not exist", e);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new TwinmapException(TwinmapErrorCode.Permission, $"open {kind} \"{nameText}\": {e.Message}", e);
            }
            long size = fs.Length;
            if (size < magicOffset + 4)
            {
                fs.Dispose();
                if (Environment.TickCount64 > deadline)
                    throw new BadHeaderException($"{kind} \"{nameText}\" ({path}): the file is {size} bytes, too small for a header");
                Thread.Sleep(5);
                continue;
            }
            var region = new SharedRegion(name, path, fs, size, created: false);
            try
            {
                uint found = (uint)Volatile.Read(ref *(int*)(region._base + magicOffset));
                if (found == 0 && Environment.TickCount64 <= deadline)
                {
                    region.Dispose();
                    Thread.Sleep(5);
                    continue;
                }
                if (found != magic)
                    throw new BadHeaderException($"{kind} \"{nameText}\" ({path}): bad magic 0x{found:x8} at offset {magicOffset}, expected 0x{magic:x8} (not a twinmap {kind}, or overwritten)");
                long want = check((nint)region._base, size);
                if (want != size)
                    throw new BadHeaderException($"{kind} \"{nameText}\" ({path}): the file is {size} bytes but its header describes {want}");
                return region;
            }
            catch
            {
                region.Dispose();
                throw;
            }
        }
    }

    /// <summary>Removes the name; false if it did not exist.</summary>
    public static bool Unlink(string nameText)
    {
        var path = PathOf(ParsedName.Parse(nameText));
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }

    public void Dispose()
    {
        lock (_file)
        {
            if (_base == null) return;
        _base = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file.Dispose();
        }
    }
}
