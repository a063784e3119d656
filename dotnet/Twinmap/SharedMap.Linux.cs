using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace Twinmap;

// Named maps on Linux: the POSIX shared-memory object /dev/shm/<base>, the file the Node side's
// shm_open makes (ts/map/linux.ts), opened the way that side opens it. File maps are the same on
// every OS (SharedMap.cs) but for how a new file gets its mode and pages (NewFileCore,
// SizeNewFileCore), which every Unix takes from here (macOS too, for its file maps).
public sealed unsafe partial class SharedMap
{
    private static class LinuxCore
    {
        [UnsupportedOSPlatform("windows")]
        public static FileStream NewFileCore(string path, FileStreamOptions options, UnixFileMode mode)
        {
            options.UnixCreateMode = mode;
            return new FileStream(path, options);
        }

        [UnsupportedOSPlatform("windows")]
        public static void SizeNewFileCore(FileStream fs, long size, UnixFileMode mode)
        {
            // The umask must not narrow (or widen) what the caller asked for.
            File.SetUnixFileMode(fs.SafeFileHandle, mode);
            // The size first, so an opener racing a large create sees it at once; then reserve the
            // pages, so a full /dev/shm or disk is an error here, not a SIGBUS at the first write.
            fs.SetLength(size);
            if (!OperatingSystem.IsLinux()) return; // macOS has no posix_fallocate
            int err = PosixFile.Allocate(fs.SafeFileHandle, size);
            if (err is not (0 or 95 /* EOPNOTSUPP */ or 38 /* ENOSYS */ or 22 /* EINVAL */))
                throw new IOException($"posix_fallocate {PosixFile.ErrnoName(err)}");
        }

        private static string ShmPath(ParsedName name) => $"{ShmDir}/{name.Base}";

        public static SharedMap OpenNamedCore(ParsedName parsed, Disposition disposition, long size, UnixFileMode mode, bool readOnly, bool allowForeignOwner)
        {
            string name = parsed.Original;
            if (!OperatingSystem.IsLinux())
            {
                // macOS keeps POSIX shm objects out of the file system (shm_open only, which the BCL lacks).
                throw new TwinmapException(TwinmapErrorCode.Unsupported,
                    $"map \"{name}\": named maps are supported on Linux and Windows only; on this OS use OpenFile/CreateFile with a path both sides agree on");
            }
            var path = ShmPath(parsed);
            return OpenPath(path, name, $"map \"{name}\" ({path})", disposition, size, mode, readOnly, named: true, allowForeignOwner);
        }

        public static bool UnlinkCore(ParsedName parsed)
        {
            var path = ShmPath(parsed);
            if (!File.Exists(path)) return false;
            File.Delete(path);
            return true;
        }

        /// <summary>
        /// Opens an existing named object (Linux) the way the Node side does: never through a symlink
        /// (O_NOFOLLOW), never waiting on a FIFO (O_NONBLOCK), then checks what was opened: a regular
        /// file, one link, owned by this user or root unless <paramref name="allowForeignOwner"/>.
        /// </summary>
        public static FileStream OpenNamedExisting(string path, string label, bool readOnly, bool allowForeignOwner)
        {
            int fd = PosixFile.Open(path, (readOnly ? PosixFile.ORdOnly : PosixFile.ORdWr) | PosixFile.ONoFollow | PosixFile.ONonBlock);
            if (fd < 0)
            {
                int errno = -fd;
                string how = readOnly ? " for reading" : " for reading and writing";
                throw errno switch
                {
                    2 => new NotFoundException($"{label} does not exist"),
                    40 => new TwinmapException(TwinmapErrorCode.Permission, $"{label} is a symbolic link (ELOOP): a named map is never opened through one"),
                    13 or 1 => new TwinmapException(TwinmapErrorCode.Permission, $"cannot open {label}{how}: {PosixFile.ErrnoName(errno)}"),
                    21 => new TwinmapException(TwinmapErrorCode.InvalidArgument, $"{label} cannot be mapped: it is a directory, not a regular file"),
                    _ => new TwinmapException(TwinmapErrorCode.Os, $"cannot open {label}{how}: {PosixFile.ErrnoName(errno)}"),
                };
            }
            var handle = new SafeFileHandle(fd, ownsHandle: true);
            try
            {
                var deadline = Environment.TickCount64 + SizingWaitMs;
                for (;;)
                {
                    int err = PosixFile.Stat(handle, out var st);
                    if (err < 0) throw new TwinmapException(TwinmapErrorCode.Os, $"cannot stat {label}: {PosixFile.ErrnoName(-err)}");
                    if (!st.IsRegular) throw new TwinmapException(TwinmapErrorCode.InvalidArgument, $"{label} cannot be mapped: it is {st.Kind}, not a regular file");
                    uint me = PosixFile.EUid;
                    if (!allowForeignOwner && st.Uid != me && st.Uid != 0)
                    {
                        throw new TwinmapException(TwinmapErrorCode.Permission,
                            $"{label} is owned by uid {st.Uid}, not by this user (uid {me}): another user's object is not used unless allowForeignOwner: true is given");
                    }
                    if (st.Nlink != 1)
                        throw new TwinmapException(TwinmapErrorCode.Permission, $"{label} has {st.Nlink} hard links: a named map has exactly one; refusing it");
                    if (st.Size > 0) break;
                    if (Environment.TickCount64 >= deadline) throw Empty(label, named: true);
                    Thread.Sleep(2); // a creator sizes the object right after creating it
                }
                return new FileStream(handle, readOnly ? FileAccess.Read : FileAccess.ReadWrite);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }
    }
}
