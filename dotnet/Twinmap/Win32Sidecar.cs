using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace Twinmap;

/// <summary>
/// The one-page side-car section <c>&lt;kernel name&gt;#twinmap</c> every named map twinmap opens
/// on Windows has (the same object ts/map/win32.ts opens): the waiter counts of the
/// region's futex words (<see cref="Win32RegionFutex"/>, one i32 per word of the first
/// <see cref="FutexSpan"/> bytes), then at <see cref="FutexSpan"/> the exact size the creator
/// asked for as a u64 (Windows reports a page-file section's size only in whole pages).
/// The creator opens the side-car before it makes the map, so whoever finds a twinmap map finds
/// its side-car too.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed unsafe class Win32Sidecar : IDisposable
{
    /// <summary>Words of the first 4 KiB - 8 of a region can be waited on; the size follows them
    /// (the layout is formats/windows_sidecar.ksy's).</summary>
    public const int FutexSpan = Formats.WindowsSidecarLayout.Size;
    private const int Size = Formats.WindowsSidecarLayout.SIZE;

    private readonly SafeFileHandle _section;
    private byte* _base;

    /// <summary>Someone had the side-car open already (a creator that records the size, or another user).</summary>
    public bool Existed { get; }

    private Win32Sidecar(SafeFileHandle section, byte* b, bool existed)
    {
        _section = section;
        _base = b;
        Existed = existed;
    }

    /// <summary>Opens (or creates, zero-filled) the side-car of the map whose kernel name is <paramref name="kernelName"/>.</summary>
    public static Win32Sidecar Open(string kernelName, string label)
    {
        var section = Kernel32.CreateFileMappingW(-1, 0, Kernel32.PageReadWrite, 0, Size, $"{kernelName}#twinmap");
        int err = Marshal.GetLastPInvokeError();
        if (section.IsInvalid)
            throw new TwinmapException(err == Kernel32.ErrorAccessDenied ? TwinmapErrorCode.Permission : TwinmapErrorCode.Os,
                $"cannot open the side-car of {label} ({kernelName}#twinmap): CreateFileMappingW error {err}");
        bool existed = err == Kernel32.ErrorAlreadyExists;
        var b = (byte*)Kernel32.MapViewOfFile(section, Kernel32.FileMapRead | Kernel32.FileMapWrite, 0, 0, Size);
        if (b == null)
        {
            err = Marshal.GetLastPInvokeError();
            section.Dispose();
            throw new TwinmapException(TwinmapErrorCode.Os, $"cannot map the side-car of {label}: MapViewOfFile error {err}");
        }
        return new Win32Sidecar(section, b, existed);
    }

    /// <summary>The waiter count of the futex word at <paramref name="offset"/> of the region.</summary>
    public int* WaiterCount(int offset) => (int*)(Live() + offset);

    /// <summary>The size the creator recorded; 0 if none (yet).</summary>
    public long RecordedSize
    {
        get => (long)Volatile.Read(ref *(ulong*)(Live() + FutexSpan));
        set => Volatile.Write(ref *(ulong*)(Live() + FutexSpan), (ulong)value);
    }

    private byte* Live() => _base != null ? _base : throw new ClosedException("the side-car is closed");

    public void Dispose()
    {
        var b = _base;
        if (b == null) return;
        _base = null;
        Kernel32.UnmapViewOfFile(b);
        _section.Dispose();
    }
}
