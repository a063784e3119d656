using System.Runtime.InteropServices;

namespace Twinmap;

// NamedMutex on Linux: .NET keeps a named mutex in a shared-memory file under its .dotnet tree
// (the Node side's ts/mutex/linux.ts and generation.ts open the same file). Here: where that
// file is, and the checks made before .NET opens it. On Windows a named mutex is a kernel
// object and System.Threading.Mutex needs nothing more.
public sealed partial class NamedMutex
{
    /// <summary>
    /// Linux: .NET opens the file itself, following symlinks; so twinmap looks first. The scope
    /// directory and its two parents must be real directories owned by this user or root, and
    /// the file (if there) a regular file with one link: a symlink or another user's directory is
    /// a PERMISSION error naming the path, a FIFO or directory at the file's path BAD_HEADER.
    /// </summary>
    private static void CheckTree(string name, ParsedName parsed, bool userScope)
    {
        if (!OperatingSystem.IsLinux() || SharedMemoryPath(parsed, userScope) is not { } path) return;
        uint me = PosixFile.EUid;
        var dirs = new List<string>();
        for (string? d = System.IO.Path.GetDirectoryName(path); d is not null && dirs.Count < 3; d = System.IO.Path.GetDirectoryName(d)) dirs.Add(d);
        dirs.Reverse();
        foreach (var dir in dirs)
        {
            if (PosixFile.LStat(dir, out var st) < 0) return; // absent: .NET makes it (and so do we)
            if ((st.Mode & PosixFile.SIfMt) == PosixFile.SIfLnk)
                throw new TwinmapException(TwinmapErrorCode.Permission, $"named mutex \"{name}\": {dir} is a symbolic link: twinmap never follows one in .NET's mutex tree");
            if ((st.Mode & PosixFile.SIfMt) != PosixFile.SIfDir)
                throw new TwinmapException(TwinmapErrorCode.Permission, $"named mutex \"{name}\": {dir} exists and is not a directory");
            if (st.Uid != me && st.Uid != 0)
                throw new TwinmapException(TwinmapErrorCode.Permission, $"named mutex \"{name}\": {dir} belongs to uid {st.Uid}, neither this user (uid {me}) nor root: refusing to use it");
        }
        if (PosixFile.LStat(path, out var file) < 0) return;
        if ((file.Mode & PosixFile.SIfMt) == PosixFile.SIfLnk)
            throw new TwinmapException(TwinmapErrorCode.Permission, $"named mutex \"{name}\": {path} is a symbolic link (ELOOP); twinmap never opens a mutex file through one");
        if (!file.IsRegular)
            throw new BadHeaderException($"named mutex \"{name}\": {path} is {file.Kind}, not a .NET mutex file");
        if (file.Nlink != 1)
            throw new BadHeaderException($"named mutex \"{name}\": {path} is a file with {file.Nlink} hard links, not a .NET mutex file");
    }

    /// <summary>Header type 0 (mutex), version 1, and long enough for .NET's shared data (72 bytes on x64).</summary>
    private static bool LooksLikeAMutexFile(string path)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> header = stackalloc byte[2];
            return f.Length >= 72 && f.ReadAtLeast(header, 2, throwOnEndOfStream: false) == 2 && header[0] == 0 && header[1] == 1;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// The file the running .NET uses for this name on Linux; null elsewhere. Shared tree:
    /// <c>/tmp/.dotnet/shm/{global|session&lt;sid&gt;}/&lt;name&gt;</c>. User-scoped
    /// (<paramref name="currentUserOnly"/>): .NET 10 <c>/tmp/.dotnet-uid&lt;euid&gt;/shm/...</c>;
    /// .NET 11 <c>$XDG_RUNTIME_DIR/.dotnet/shm/...</c>, or without XDG_RUNTIME_DIR
    /// <c>$HOME/.dotnet/corefx/Runtime/SharedMemory/.dotnet/shm/...</c>. Null
    /// <paramref name="currentUserOnly"/>: where <c>new Mutex(false, name)</c> puts it on this
    /// runtime (<see cref="DefaultIsCurrentUserOnly"/>).
    /// </summary>
    public static string? SharedMemoryPath(ParsedName name, bool? currentUserOnly = null)
    {
        if (!OperatingSystem.IsLinux()) return null;
        string scope = name.Scope == NameScope.Global ? "global" : $"session{(uint)GetSid(0)}";
        return $"{DotnetTreeRoot(currentUserOnly ?? DefaultIsCurrentUserOnly)}/shm/{scope}/{name.Base}";
    }

    /// <summary>The running .NET's <c>.dotnet</c> directory for shared or user-scoped names.</summary>
    private static string DotnetTreeRoot(bool currentUserOnly)
    {
        if (!currentUserOnly) return "/tmp/.dotnet";
        if (Environment.Version.Major < 11) return $"/tmp/.dotnet-uid{GetEUid()}";
        string? xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        if (!string.IsNullOrEmpty(xdg)) return $"{xdg}/.dotnet";
        string? home = Environment.GetEnvironmentVariable("HOME");
        if (string.IsNullOrEmpty(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return $"{home}/.dotnet/corefx/Runtime/SharedMemory/.dotnet";
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEUid();

    [LibraryImport("libc", EntryPoint = "getsid")]
    private static partial int GetSid(int pid);
}
