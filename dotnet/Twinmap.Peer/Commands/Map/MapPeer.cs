using System.IO.MemoryMappedFiles;

namespace Twinmap.Peer.Commands;

/// <summary>
/// How the map commands open a map, the way an unmodified .NET app would:
/// path=P: the BCL directly, <c>MemoryMappedFile.CreateFromFile</c> (create=1: FileMode.CreateNew with
/// a capacity, as a .NET app that shares memory through a file does; otherwise FileMode.Open at the file's size).
/// name=N: on Windows the BCL's named maps (CreateNew / OpenExisting). On Linux and macOS the BCL
/// refuses named maps (PlatformNotSupportedException), so there the Peer uses twinmap's
/// <see cref="Twinmap.SharedMap"/>, which maps /dev/shm/&lt;base&gt;, the object Node's SharedMap maps.
/// bcl=1 with name=N: call the BCL's named-map API even on Linux, to show what an app gets there.
/// create=any with name=N (Linux): SharedMap.OpenOrCreate. at=T: wait until Unix time T (ms) first.
/// twinmap=1 with name=N: twinmap's SharedMap on Windows too (its side-car records the exact size).
/// </summary>
internal static class MapPeer
{
    public sealed class Opened(IDisposable owner, MemoryMappedViewAccessor accessor, long size, bool? createdNew = null) : IDisposable
    {
        public MemoryMappedViewAccessor Accessor { get; } = accessor;
        public long Size { get; } = size;

        /// <summary>Whether this open created the map; null where the BCL does not say.</summary>
        public bool? CreatedNew { get; } = createdNew;

        public void Dispose()
        {
            Accessor.Dispose();
            owner.Dispose();
        }
    }

    private sealed class Nothing : IDisposable
    {
        public void Dispose()
        {
        }
    }

    public static Opened Open(PeerArgs args, bool readOnly)
    {
        if (args.Has("at"))
        {
            // start at a given wall-clock time (Unix ms), so several processes race for real
            long at = args.GetLong("at");
            while (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() < at) Thread.SpinWait(100);
        }
        bool create = args.Get("create", "0") == "1";
        bool either = args.Get("create", "0") == "any";
        var access = readOnly ? MemoryMappedFileAccess.Read : MemoryMappedFileAccess.ReadWrite;
        if (args.Has("path"))
        {
            string path = args.Get("path");
            MemoryMappedFile file = create
                ? MemoryMappedFile.CreateFromFile(path, FileMode.CreateNew, null, args.GetLong("size"), access)
                : MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, access);
            var view = file.CreateViewAccessor(0, 0, access);
            return new Opened(file, view, new FileInfo(path).Length);
        }

        string name = args.Get("name");
        if ((OperatingSystem.IsWindows() && args.Get("twinmap", "0") != "1") || args.Get("bcl", "0") == "1")
        {
#pragma warning disable CA1416 // deliberately reachable off Windows with bcl=1: shows what the BCL does there

            MemoryMappedFile file = create
                ? MemoryMappedFile.CreateNew(name, args.GetLong("size"), MemoryMappedFileAccess.ReadWrite)
                : MemoryMappedFile.OpenExisting(name, readOnly ? MemoryMappedFileRights.Read : MemoryMappedFileRights.ReadWrite);
            var view = file.CreateViewAccessor(0, 0, access);
#pragma warning restore CA1416
            return new Opened(file, view, view.Capacity);
        }

        // Linux/macOS: the BCL has no named maps; twinmap's SharedMap is the same object Node maps
        // (and on Windows with twinmap=1, the same section and side-car).
        var map = either ? SharedMap.OpenOrCreate(name, args.GetLong("size"))
            : create ? SharedMap.Create(name, args.GetLong("size"))
            : SharedMap.Open(name, readOnly);
        return new Opened(map, map.Accessor, map.Size, map.CreatedNew);
    }
}
