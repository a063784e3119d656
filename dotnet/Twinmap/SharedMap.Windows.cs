using System.IO.MemoryMappedFiles;
using System.Runtime.Versioning;

namespace Twinmap;

// Named maps on Windows: the page-file section MemoryMappedFile.CreateNew/OpenExisting makes,
// under the kernel name ts/map/win32.ts uses (`Local\<base>` or `Global\<base>`; an
// unprefixed name is the session's, like Local\), plus the side-car section both sides keep
// next to it (Win32Sidecar): the creator records the exact size there, an opener maps that
// size, and a channel's futex words keep their waiter counts there.
public sealed unsafe partial class SharedMap
{
    private readonly IDisposable? _sidecar;

    /// <summary>The side-car of a named map on Windows (null elsewhere), for the region's futex words.</summary>
    [SupportedOSPlatform("windows")]
    internal Win32Sidecar? Sidecar => _sidecar as Win32Sidecar;

    /// <summary>The name the kernel sees: <c>Local\&lt;base&gt;</c> or <c>Global\&lt;base&gt;</c>, exactly as the TS side computes it.</summary>
    internal static string KernelName(ParsedName name) => $"{(name.Scope == NameScope.Global ? "Global" : "Local")}\\{name.Base}";

    // `mode` does not apply (a new section gets the process's default security descriptor), nor
    // does `allowForeignOwner` (it is about /dev/shm files): both are taken for the same *Core
    // signature as SharedMap.Linux.cs.
    [SupportedOSPlatform("windows")]
    private static class WindowsCore
    {
        /// <summary>A new file takes the access rules its directory passes on: <paramref name="mode"/> does not apply.</summary>
        public static FileStream NewFileCore(string path, FileStreamOptions options, UnixFileMode mode) => new(path, options);

        /// <summary>Only the size: extending a file allocates its clusters, so a full disk fails here already; <paramref name="mode"/> does not apply.</summary>
        public static void SizeNewFileCore(FileStream fs, long size, UnixFileMode mode) => fs.SetLength(size);

        /// <summary>Windows removes a map with its last handle: there is nothing to remove. Always false.</summary>
        public static bool UnlinkCore(ParsedName parsed) => false;

        public static SharedMap OpenNamedCore(ParsedName parsed, Disposition disposition, long size, UnixFileMode mode, bool readOnly, bool allowForeignOwner)
        {
            var label = $"map \"{parsed.Original}\"";
            var kname = KernelName(parsed);
            // The side-car first: whoever finds the map then finds its side-car (and its size) too.
            var sidecar = Win32Sidecar.Open(kname, label);
            MemoryMappedFile? file = null;
            try
            {
                bool createdNew = false;
                file = disposition switch
                {
                    Disposition.Create => CreateSection(kname, label, size),
                    Disposition.Open => OpenSection(kname, label, readOnly),
                    _ => null,
                };
                createdNew = disposition == Disposition.Create;
                for (int attempt = 0; file is null; attempt++)
                {
                    // OpenOrCreate: open, else create, else (another process created it meanwhile) open again.
                    try
                    {
                        file = OpenSection(kname, label, readOnly: false);
                    }
                    catch (NotFoundException) when (attempt < 5)
                    {
                        try
                        {
                            file = CreateSection(kname, label, size);
                            createdNew = true;
                        }
                        catch (AlreadyExistsException)
                        {
                        }
                    }
                }
                long mapped;
                if (createdNew)
                {
                    mapped = size;
                    sidecar.RecordedSize = size;
                }
                else
                {
                    mapped = ExistingSize(file, sidecar, readOnly);
                    if (disposition != Disposition.Open && mapped < size)
                    {
                        throw new TwinmapException(TwinmapErrorCode.InvalidArgument,
                            $"{label} exists with {mapped} bytes, fewer than the {size} asked for; twinmap never resizes a map others may have mapped: open it with its own size (Open()) or use another name");
                    }
                }
                return new SharedMap(parsed.Original, null, file, mapped, readOnly, createdNew, sidecar);
            }
            catch
            {
                file?.Dispose();
                sidecar.Dispose();
                throw;
            }
        }

        /// <summary>
        /// An existing map's size: what its creator recorded in the side-car (waiting briefly for a
        /// creator that has made the map but not yet recorded it), else, for a map twinmap did not
        /// make (e.g. an app's MemoryMappedFile), the whole section in pages, as the BCL reports it.
        /// </summary>
        private static long ExistingSize(MemoryMappedFile file, Win32Sidecar sidecar, bool readOnly)
        {
            long whole;
            using (var view = file.CreateViewAccessor(0, 0, readOnly ? MemoryMappedFileAccess.Read : MemoryMappedFileAccess.ReadWrite))
                whole = view.Capacity;
            long recorded = sidecar.RecordedSize;
            var deadline = Environment.TickCount64 + SizingWaitMs;
            while (recorded == 0 && sidecar.Existed && Environment.TickCount64 < deadline)
            {
                Thread.Sleep(2);
                recorded = sidecar.RecordedSize;
            }
            return recorded > 0 && recorded <= whole ? recorded : whole;
        }

        private static MemoryMappedFile CreateSection(string kname, string label, long size)
        {
            try
            {
                return MemoryMappedFile.CreateNew(kname, size, MemoryMappedFileAccess.ReadWrite);
            }
            catch (IOException e)
            {
                // ERROR_ALREADY_EXISTS; or the name belongs to another kind of object (ERROR_INVALID_HANDLE)
                throw new AlreadyExistsException($"{label} already exists", e);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new TwinmapException(TwinmapErrorCode.Permission, $"{label}: {e.Message}", e);
            }
        }

        private static MemoryMappedFile OpenSection(string kname, string label, bool readOnly)
        {
            try
            {
                return MemoryMappedFile.OpenExisting(kname, readOnly ? MemoryMappedFileRights.Read : MemoryMappedFileRights.ReadWrite);
            }
            catch (FileNotFoundException e)
            {
                throw new NotFoundException($"{label} does not exist", e);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new TwinmapException(TwinmapErrorCode.Permission, $"{label}: {e.Message}", e);
            }
        }
    }
}
