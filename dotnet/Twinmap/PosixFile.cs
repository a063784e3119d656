using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Twinmap;

/// <summary>
/// The few POSIX file calls the BCL does not offer (Linux): an open that never follows a symlink
/// nor waits on a FIFO, the owner/type/link count of an open descriptor (statx, whose layout is
/// the same on every architecture), and posix_fallocate. Thin: each is the OS call and its errno.
/// </summary>
internal static unsafe partial class PosixFile
{
    public const int ORdOnly = 0, ORdWr = 2, ONonBlock = 0x800, OCloExec = 0x80000;

    // The only flags whose values differ between Linux architectures (asm-generic vs x86).
    private static bool ArmLayout => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm;
    public static int ONoFollow => ArmLayout ? 0x8000 : 0x20000;
    public static int ODirectory => ArmLayout ? 0x4000 : 0x10000;

    public const uint SIfMt = 0xF000, SIfReg = 0x8000, SIfDir = 0x4000, SIfIfo = 0x1000, SIfChr = 0x2000, SIfBlk = 0x6000, SIfSock = 0xC000, SIfLnk = 0xA000;

    /// <summary>What fstat tells about an open file.</summary>
    public readonly record struct Status(uint Mode, uint Uid, uint Nlink, long Size)
    {
        public bool IsRegular => (Mode & SIfMt) == SIfReg;

        /// <summary>"a FIFO", "a directory", ...: for messages.</summary>
        public string Kind => (Mode & SIfMt) switch
        {
            SIfReg => "a regular file",
            SIfDir => "a directory",
            SIfIfo => "a FIFO",
            SIfChr => "a character device",
            SIfBlk => "a block device",
            SIfSock => "a socket",
            SIfLnk => "a symbolic link",
            _ => "not a regular file",
        };
    }

    /// <summary>open(2); the descriptor, or -errno.</summary>
    public static int Open(string path, int flags, uint mode = 0)
    {
        int fd;
        do fd = SysOpen(path, flags | OCloExec, mode);
        while (fd < 0 && Marshal.GetLastPInvokeError() == 4 /* EINTR */);
        return fd >= 0 ? fd : -Marshal.GetLastPInvokeError();
    }

    /// <summary>statx of an open descriptor (AT_EMPTY_PATH); -errno on failure.</summary>
    public static int Stat(SafeFileHandle handle, out Status status)
    {
        const int AtEmptyPath = 0x1000;
        const uint StatxBasic = 0x7ff;
        byte* buf = stackalloc byte[256];
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            if (Statx((int)handle.DangerousGetHandle(), "", AtEmptyPath, StatxBasic, buf) != 0)
            {
                status = default;
                return -Marshal.GetLastPInvokeError();
            }
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
        // struct statx: stx_nlink @16, stx_uid @20, stx_mode @28 (u16), stx_size @40.
        status = new Status(*(ushort*)(buf + 28), *(uint*)(buf + 20), *(uint*)(buf + 16), *(long*)(buf + 40));
        return 0;
    }

    /// <summary>lstat of a path (a symlink is reported as itself); -errno on failure.</summary>
    public static int LStat(string path, out Status status)
    {
        const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100;
        byte* buf = stackalloc byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, 0x7ff, buf) != 0)
        {
            status = default;
            return -Marshal.GetLastPInvokeError();
        }
        status = new Status(*(ushort*)(buf + 28), *(uint*)(buf + 20), *(uint*)(buf + 16), *(long*)(buf + 40));
        return 0;
    }

    /// <summary>posix_fallocate; 0 or the errno it returns.</summary>
    public static int Allocate(SafeFileHandle handle, long length)
    {
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            int err;
            do err = PosixFallocate((int)handle.DangerousGetHandle(), 0, length);
            while (err == 4 /* EINTR */);
            return err;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    public static uint EUid => GetEUid();

    /// <summary>The errno's name ("ELOOP"), as the Node side prints it.</summary>
    public static string ErrnoName(int errno) => errno switch
    {
        1 => "EPERM", 2 => "ENOENT", 4 => "EINTR", 5 => "EIO", 6 => "ENXIO", 9 => "EBADF", 11 => "EAGAIN", 12 => "ENOMEM",
        13 => "EACCES", 17 => "EEXIST", 19 => "ENODEV", 20 => "ENOTDIR", 21 => "EISDIR", 22 => "EINVAL", 23 => "ENFILE",
        24 => "EMFILE", 27 => "EFBIG", 28 => "ENOSPC", 30 => "EROFS", 31 => "EMLINK", 36 => "ENAMETOOLONG", 40 => "ELOOP",
        75 => "EOVERFLOW", 95 => "EOPNOTSUPP",
        _ => $"errno {errno}",
    };

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SysOpen(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buf);

    [LibraryImport("libc", EntryPoint = "posix_fallocate")]
    private static partial int PosixFallocate(int fd, long offset, long length);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEUid();
}
