namespace Twinmap;

/// <summary>
/// A named region of shared memory with a twinmap header (events and channels live in such
/// regions): a <see cref="SharedMap"/> (/dev/shm/&lt;base&gt; on Linux, a named section on Windows: the map ts/shm-region.ts opens)
/// whose header is published race-free. The creator makes the map, lets the caller write the
/// header, and publishes the magic number last; an opener that finds no magic yet waits a
/// little, then reports BAD_HEADER (a region that never became valid is bad input, not a hang).
/// </summary>
internal sealed unsafe class SharedRegion : IDisposable
{
    private readonly SharedMap _map;

    public string Name { get; }

    /// <summary>Wait/wake on the words of this region's header (per OS: see <see cref="IRegionFutex"/>).</summary>
    public IRegionFutex Futex { get; }
    public long Length => _map.Size;
    public bool Created => _map.CreatedNew;

    private SharedRegion(string name, SharedMap map)
    {
        Name = name;
        _map = map;
        Futex = RegionFutex.For(map);
    }

    /// <summary>The first byte of the mapping; throws CLOSED after Dispose.</summary>
    public byte* Base
    {
        get
        {
            var b = _map.BaseOrNull;
            return b != null ? b : throw new ClosedException($"\"{Name}\" is closed");
        }
    }

    /// <summary>The first byte of the mapping, or null after Dispose.</summary>
    public byte* BaseOrNull => _map.BaseOrNull;

    /// <summary>
    /// Opens or creates the region. <paramref name="init"/> writes a new header (all but the
    /// magic); <paramref name="check"/> validates an existing one (pointer, file size) and returns
    /// the length it describes, throwing <see cref="BadHeaderException"/> for garbage.
    /// </summary>
    public static SharedRegion Open(string nameText, OpenMode mode, string kind, int magicOffset, uint magic,
        long createSize, Action<nint> init, Func<nint, long, long> check, bool allowForeignOwner = false)
    {
        SharedMap map;
        try
        {
            map = MapFor(nameText, mode, createSize, allowForeignOwner);
        }
        catch (NotFoundException e) when (mode == OpenMode.Open)
        {
            // Say what is missing in the caller's terms: a channel, not the map under it.
            throw new NotFoundException($"{kind} \"{nameText}\" does not exist", e);
        }
        if (map.CreatedNew)
        {
            try
            {
                var b = map.BaseOrNull;
                init((nint)b);
                // Publish: the magic goes last, so an opener never sees a half-written header.
                Volatile.Write(ref *(int*)(b + magicOffset), (int)magic);
                Interlocked.MemoryBarrier();
                return new SharedRegion(nameText, map);
            }
            catch
            {
                // Nobody can have opened it yet (no magic): take the half-made name away again.
                try { SharedMap.Unlink(nameText); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                map.Dispose();
                throw;
            }
        }
        try
        {
            CheckExisting(nameText, map, kind, magicOffset, magic, check);
            return new SharedRegion(nameText, map);
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }

    /// <summary>Create is O_EXCL; OpenOrCreate opens at the map's own size (the header says what it holds), never resizes.</summary>
    private static SharedMap MapFor(string nameText, OpenMode mode, long createSize, bool allowForeignOwner)
    {
        if (mode == OpenMode.Open) return SharedMap.Open(nameText, allowForeignOwner: allowForeignOwner);
        if (mode == OpenMode.Create) return SharedMap.Create(nameText, createSize);
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return SharedMap.Create(nameText, createSize);
            }
            catch (AlreadyExistsException)
            {
            }
            try
            {
                return SharedMap.Open(nameText, allowForeignOwner: allowForeignOwner);
            }
            catch (NotFoundException) when (attempt < 5)
            {
                // unlinked between our create and our open: try to create again
            }
        }
    }

    private static void CheckExisting(string nameText, SharedMap map, string kind, int magicOffset, uint magic, Func<nint, long, long> check)
    {
        var b = map.BaseOrNull;
        long size = map.Size;
        var where = map.Path ?? nameText;
        if (size < magicOffset + 4)
            throw new BadHeaderException($"{kind} \"{nameText}\" ({where}): the file is {size} bytes, too small for a header");
        // A creator may be between sizing the map and publishing the magic: give it a moment.
        var deadline = Environment.TickCount64 + 1000;
        uint found = (uint)Volatile.Read(ref *(int*)(b + magicOffset));
        while (found == 0 && Environment.TickCount64 <= deadline)
        {
            Thread.Sleep(5);
            found = (uint)Volatile.Read(ref *(int*)(b + magicOffset));
        }
        if (found != magic)
            throw new BadHeaderException($"{kind} \"{nameText}\" ({where}): bad magic 0x{found:x8} at offset {magicOffset}, expected 0x{magic:x8} (not a twinmap {kind}, or overwritten)");
        long want = check((nint)b, size);
        if (want != size)
            throw new BadHeaderException($"{kind} \"{nameText}\" ({where}): the file is {size} bytes but its header describes {want}");
    }

    /// <summary>Removes the name; false if it did not exist.</summary>
    public static bool Unlink(string nameText) => SharedMap.Unlink(nameText);

    public void Dispose()
    {
        Futex.Dispose();
        _map.Dispose();
    }
}
