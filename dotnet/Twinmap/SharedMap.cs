using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;

namespace Twinmap;

/// <summary>
/// A named or file-backed memory mapping shared with other processes (Node or .NET): the same
/// concepts and names as the TypeScript <c>SharedMap</c> (ts/map/shared-map.ts).
/// <list type="bullet">
/// <item>Windows: a named map is the kernel section <c>MemoryMappedFile.CreateNew/OpenExisting/CreateOrOpen(name)</c> opens,
/// so it meets unmodified .NET apps using the same name; twinmap keeps a side-car section next to it
/// with the exact size (SharedMap.Windows.cs), as the Node side does.</item>
/// <item>Linux (where .NET refuses named maps): name <c>x</c> (a <c>Local\</c>/<c>Global\</c> prefix
/// removed) is the POSIX shared-memory object <c>/dev/shm/x</c>, the file the Node side maps too.
/// macOS: named maps throw UNSUPPORTED (its shm objects are not files); file maps work.</item>
/// </list>
/// Files twinmap creates are owner-only (0600) unless a mode is given. A read-only map has no
/// writable span: a write to its read-only pages would kill the process.
/// </summary>
public sealed unsafe partial class SharedMap : IDisposable
{
    /// <summary>Where named maps live on Linux.</summary>
    public const string ShmDir = "/dev/shm";

    /// <summary>Owner read and write: what twinmap creates unless told otherwise.</summary>
    public const UnixFileMode DefaultMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>How long an open waits for a creator that has made the object but not yet sized it.</summary>
    private const int SizingWaitMs = 200;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _accessor;
    private readonly Gate _gate = new();
    private byte* _base;

    /// <summary>The name as given; null for a file map.</summary>
    public string? Name { get; }

    /// <summary>The file behind the map: the file map's path, or /dev/shm/&lt;base&gt; for a named map on Linux; null on Windows.</summary>
    public string? Path { get; }

    /// <summary>Mapped bytes. For an existing map this is its own size (at least what was asked).</summary>
    public long Size { get; }

    public bool ReadOnly { get; }

    /// <summary>True if this call created the map.</summary>
    public bool CreatedNew { get; }

    public bool IsClosed => _base == null;

    /// <summary>The first mapped byte, or null once disposed: for twinmap's own regions (SharedRegion), which lay headers and futex words on it.</summary>
    internal byte* BaseOrNull => _base;

    private SharedMap(string? name, string? path, MemoryMappedFile file, long size, bool readOnly, bool createdNew, IDisposable? sidecar = null)
    {
        Name = name;
        _sidecar = sidecar;
        Path = path;
        ReadOnly = readOnly;
        CreatedNew = createdNew;
        _file = file;
        try
        {
            var access = readOnly ? MemoryMappedFileAccess.Read : MemoryMappedFileAccess.ReadWrite;
            _accessor = file.CreateViewAccessor(0, size, access);
            Size = size;
            byte* p = null;
            _accessor.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            _base = p + _accessor.PointerOffset;
        }
        catch
        {
            _accessor?.Dispose();
            file.Dispose();
            sidecar?.Dispose();
            throw;
        }
    }

    // ---- named maps -------------------------------------------------------------------------

    /// <summary>Creates the named map with <paramref name="size"/> bytes; <see cref="AlreadyExistsException"/> if the name is taken.</summary>
    public static SharedMap Create(string name, long size, UnixFileMode mode = DefaultMode) =>
        OpenNamed(name, Disposition.Create, CheckSize(size, name), mode, readOnly: false, allowForeignOwner: false);

    /// <summary>
    /// Opens an existing named map at its own size; <see cref="NotFoundException"/> if there is none.
    /// On Linux the object must be a regular file with one link, never a symlink, owned by this
    /// user or root: another user's object is a PERMISSION error unless <paramref name="allowForeignOwner"/>.
    /// </summary>
    public static SharedMap Open(string name, bool readOnly = false, bool allowForeignOwner = false) =>
        OpenNamed(name, Disposition.Open, 0, DefaultMode, readOnly, allowForeignOwner);

    /// <summary>
    /// Opens the named map, or creates it with <paramref name="size"/> bytes. An existing map larger
    /// than <paramref name="size"/> is mapped whole; a smaller one is an INVALID_ARGUMENT error:
    /// twinmap never resizes a map that others may have mapped.
    /// </summary>
    public static SharedMap OpenOrCreate(string name, long size, UnixFileMode mode = DefaultMode, bool allowForeignOwner = false) =>
        OpenNamed(name, Disposition.OpenOrCreate, CheckSize(size, name), mode, readOnly: false, allowForeignOwner);

    /// <summary>
    /// Removes the name (Linux); maps already open keep working. False if there was none.
    /// On Windows a map goes away with its last handle, so there is nothing to remove: false.
    /// </summary>
    public static bool Unlink(string name)
    {
        var parsed = ParsedName.Parse(name);
        return OperatingSystem.IsWindows() ? WindowsCore.UnlinkCore(parsed) : LinuxCore.UnlinkCore(parsed);
    }

    // ---- file maps (what an unmodified .NET app on Linux uses) --------------------------------

    /// <summary>Maps an existing regular, non-empty file at its own size; <see cref="NotFoundException"/> if it is missing.</summary>
    public static SharedMap OpenFile(string path, bool readOnly = false) =>
        OpenPath(CheckPath(path), null, $"file {path}", Disposition.Open, 0, DefaultMode, readOnly, named: false, allowForeignOwner: true);

    /// <summary>Creates a zero-filled file of <paramref name="size"/> bytes and maps it; <see cref="AlreadyExistsException"/> if it exists.</summary>
    public static SharedMap CreateFile(string path, long size, UnixFileMode mode = DefaultMode) =>
        OpenPath(CheckPath(path), null, $"file {path}", Disposition.Create, CheckSize(size, path), mode, readOnly: false, named: false, allowForeignOwner: true);

    // ---- the memory ---------------------------------------------------------------------------

    /// <summary>The whole map as a span over the mapped pages (no copy). Not on a read-only map, nor over 2 GiB (use <see cref="GetSpan"/>).</summary>
    public Span<byte> AsSpan() => GetSpan(0, WholeLength());

    /// <summary><paramref name="length"/> bytes at <paramref name="offset"/> (no copy). Not on a read-only map.</summary>
    public Span<byte> GetSpan(long offset, int length)
    {
        if (ReadOnly)
            throw new ReadOnlyException($"{What} is open read-only, so it has no writable span (a write to its pages would kill the process): use AsReadOnlySpan() or Accessor");
        return new Span<byte>(At(offset, length), length);
    }

    /// <summary>The whole map, read-only (no copy); works on every map.</summary>
    public ReadOnlySpan<byte> AsReadOnlySpan() => GetReadOnlySpan(0, WholeLength());

    private int WholeLength() => Size <= int.MaxValue
        ? (int)Size
        : throw new TwinmapException(TwinmapErrorCode.InvalidArgument, $"{What} is {Size} bytes, more than one span can hold: use GetSpan(offset, length)");

    public ReadOnlySpan<byte> GetReadOnlySpan(long offset, int length) => new(At(offset, length), length);

    /// <summary>The BCL accessor over the map, for <c>Read&lt;T&gt;</c>/<c>Write&lt;T&gt;</c>/<c>ReadArray</c>/<c>WriteArray</c> users; read-only on a read-only map.</summary>
    public MemoryMappedViewAccessor Accessor
    {
        get
        {
            ThrowIfClosed();
            return _accessor;
        }
    }

    /// <summary>Writes the map's pages to its file now (msync); readers see writes at once anyway.</summary>
    public void Flush()
    {
        ThrowIfClosed();
        _accessor.Flush();
    }

    /// <summary>Unmaps. Spans taken before must not be used after this (they are not tracked). Idempotent.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_base == null) return;
            _base = null;
            _accessor.SafeMemoryMappedViewHandle.ReleasePointer();
            _accessor.Dispose();
            _file.Dispose();
            _sidecar?.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// A map dropped without Dispose: give back the pointer reference taken at open, so the view's
    /// own SafeHandle (a critical finaliser, run after this one) unmaps the pages, as .NET's handles do.
    /// </summary>
    ~SharedMap()
    {
        if (_base == null) return;
        _base = null;
        _accessor?.SafeMemoryMappedViewHandle.ReleasePointer();
    }

    private string What => Name is not null ? $"SharedMap \"{Name}\"" : $"SharedMap of file {Path}";

    private void ThrowIfClosed()
    {
        if (_base == null) throw new ClosedException($"{What} is closed");
    }

    private byte* At(long offset, int length)
    {
        ThrowIfClosed();
        if (offset < 0 || length < 0 || offset > Size - length)
            throw new TwinmapException(TwinmapErrorCode.InvalidArgument, $"{What}: {length} bytes at offset {offset} is outside the map ({Size} bytes)");
        return _base + offset;
    }

    // ---- opening ------------------------------------------------------------------------------

    private enum Disposition
    {
        Create,
        Open,
        OpenOrCreate,
    }

    private static long CheckSize(long size, string what) => size > 0
        ? size
        : throw new TwinmapException(TwinmapErrorCode.InvalidArgument, $"\"{what}\": size must be a positive number of bytes, got {size}");

    private static string CheckPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path.Contains('\0'))
            throw new TwinmapException(TwinmapErrorCode.InvalidArgument, $"path must be non-empty and without NUL, got \"{path}\"");
        return path;
    }

    private static SharedMap OpenNamed(string name, Disposition disposition, long size, UnixFileMode mode, bool readOnly, bool allowForeignOwner)
    {
        var parsed = ParsedName.Parse(name);
        return OperatingSystem.IsWindows()
            ? WindowsCore.OpenNamedCore(parsed, disposition, size, mode, readOnly, allowForeignOwner)
            : LinuxCore.OpenNamedCore(parsed, disposition, size, mode, readOnly, allowForeignOwner);
    }

    private static SharedMap OpenPath(string path, string? name, string label, Disposition disposition, long size, UnixFileMode mode,
        bool readOnly, bool named, bool allowForeignOwner)
    {
        FileStream? fs = null;
        bool createdNew = false;
        if (disposition != Disposition.Open)
        {
            fs = TryCreate(path, label, size, mode, mayExist: disposition == Disposition.OpenOrCreate);
            createdNew = fs is not null;
        }
        for (int attempt = 0; fs is null; attempt++)
        {
            try
            {
                fs = named ? LinuxCore.OpenNamedExisting(path, label, readOnly, allowForeignOwner) : OpenExisting(path, label, readOnly, named);
            }
            catch (NotFoundException) when (disposition == Disposition.OpenOrCreate && attempt < 5)
            {
                // removed between our create attempt and this open: try to create again
                fs = TryCreate(path, label, size, mode, mayExist: true);
                createdNew = fs is not null;
            }
        }
        try
        {
            long length = createdNew ? size : SizeOf(fs, label, named);
            if (disposition != Disposition.Open && length < size)
            {
                throw new TwinmapException(TwinmapErrorCode.InvalidArgument,
                    $"{label} exists with {length} bytes, fewer than the {size} asked for; twinmap never resizes a map others may have mapped: open it with its own size (Open()) or use another name");
            }
            var access = readOnly ? MemoryMappedFileAccess.Read : MemoryMappedFileAccess.ReadWrite;
            MemoryMappedFile file;
            try
            {
                file = MemoryMappedFile.CreateFromFile(fs, null, length, access, HandleInheritability.None, leaveOpen: false);
                fs = null; // owned by the MemoryMappedFile now
                return new SharedMap(name, path, file, length, readOnly, createdNew);
            }
            catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
            {
                // Files the kernel will not map (sysfs), or larger than the address space.
                throw new TwinmapException(TwinmapErrorCode.InvalidArgument, $"cannot map {label} ({length} bytes): {e.Message}", e);
            }
        }
        catch
        {
            fs?.Dispose();
            if (createdNew) TryDelete(path);
            throw;
        }
    }

    /// <summary>Creates the file (O_EXCL) with exactly <paramref name="mode"/> and <paramref name="size"/> bytes; null if it exists and <paramref name="mayExist"/>.</summary>
    private static FileStream? TryCreate(string path, string label, long size, UnixFileMode mode, bool mayExist)
    {
        FileStream fs;
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.ReadWrite,
                Share = FileShare.ReadWrite | FileShare.Delete,
            };
            fs = NewFile(path, options, mode);
        }
        catch (IOException e) when (File.Exists(path) || Directory.Exists(path))
        {
            if (mayExist) return null;
            throw new AlreadyExistsException($"{label} already exists", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new TwinmapException(TwinmapErrorCode.Permission, $"cannot create {label}: {e.Message}", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new NotFoundException($"cannot create {label}: its directory does not exist", e);
        }
        catch (IOException e)
        {
            throw new TwinmapException(TwinmapErrorCode.Os, $"cannot create {label} with {size} bytes: {e.Message}", e);
        }
        try
        {
            SizeNewFile(fs, size, mode);
            return fs;
        }
        catch (Exception e)
        {
            fs.Dispose();
            TryDelete(path);
            throw new TwinmapException(TwinmapErrorCode.Os, $"cannot size {label} to {size} bytes: {e.Message}", e);
        }
    }

    /// <summary>Creates the file <paramref name="options"/> describe; on Unix with exactly <paramref name="mode"/> (SharedMap.Linux.cs).</summary>
    private static FileStream NewFile(string path, FileStreamOptions options, UnixFileMode mode) =>
        OperatingSystem.IsWindows() ? WindowsCore.NewFileCore(path, options, mode) : LinuxCore.NewFileCore(path, options, mode);

    /// <summary>Gives a file just created its mode and <paramref name="size"/> bytes; an IOException if it cannot.</summary>
    private static void SizeNewFile(FileStream fs, long size, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows()) WindowsCore.SizeNewFileCore(fs, size, mode);
        else LinuxCore.SizeNewFileCore(fs, size, mode);
    }

    private static FileStream OpenExisting(string path, string label, bool readOnly, bool named)
    {
        if (Directory.Exists(path))
            throw new TwinmapException(TwinmapErrorCode.InvalidArgument, $"{label} cannot be mapped: it is a directory, not a regular file");
        // Check the size before opening: devices, FIFOs and sockets report 0 bytes, and opening a
        // FIFO for reading would wait for a writer. The BCL has no file-type query, so an empty
        // regular file and a special file get the same answer: nothing to map.
        var info = new FileInfo(path);
        var deadline = Environment.TickCount64 + SizingWaitMs;
        while (info.Exists && info.Length == 0)
        {
            if (Environment.TickCount64 >= deadline) throw Empty(label, named);
            Thread.Sleep(2); // a named map's creator sizes it within microseconds of creating it
            info.Refresh();
        }
        try
        {
            return new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = readOnly ? FileAccess.Read : FileAccess.ReadWrite,
                Share = FileShare.ReadWrite | FileShare.Delete,
            });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NotFoundException($"{label} does not exist", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new TwinmapException(TwinmapErrorCode.Permission, $"cannot open {label}{(readOnly ? " for reading" : " for reading and writing")}: {e.Message}", e);
        }
    }

    private static TwinmapException Empty(string label, bool named)
    {
        var message = $"{label} is empty (0 bytes) or not a regular file: there is nothing to map";
        return named
            ? new BadHeaderException($"{message}; its creator never sized it")
            : new TwinmapException(TwinmapErrorCode.InvalidArgument, $"{message}; create it with a size (CreateFile(path, size))");
    }

    /// <summary>The open file's size; 0 (emptied since the check) or unseekable means nothing to map.</summary>
    private static long SizeOf(FileStream fs, string label, bool named)
    {
        if (!fs.CanSeek || fs.Length == 0) throw Empty(label, named);
        return fs.Length;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
