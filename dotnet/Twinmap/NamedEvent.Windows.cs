using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace Twinmap;

// NamedEvent on Windows: a Win32 named event, the very object .NET's
// `new EventWaitHandle(false, mode, name)` creates, so an unmodified .NET app, this class and
// twinmap's TS NamedEvent (ts/event/named-event-win32.ts) meet by name. Names go to the kernel
// unchanged. The handle is opened with EVENT_QUERY_STATE too (which EventWaitHandle.OpenExisting
// does not ask for), so NtQueryEvent can tell an opened event's kind and state, as on Linux.
public sealed unsafe partial class NamedEvent
{
    private readonly Win32Event? _win;
    private readonly CancellationTokenSource? _winClosing;

    private const uint Synchronize = 0x00100000, EventModifyState = 0x0002, EventQueryState = 0x0001;
    private const int ErrorAlreadyExists = 183, ErrorFileNotFound = 2, ErrorInvalidHandle = 6;

    private sealed class Win32Event : WaitHandle
    {
        public Win32Event(IntPtr handle) => SafeWaitHandle = new SafeWaitHandle(handle, ownsHandle: true);
    }

    [SupportedOSPlatform("windows")]
    private NamedEvent(string name, IntPtr handle)
    {
        Name = name;
        _region = null!; // the Linux region is not used on Windows
        _win = new Win32Event(handle);
        _winClosing = new CancellationTokenSource();
        AutoReset = !Query(handle).ManualReset;
    }

    [SupportedOSPlatform("windows")]
    private static NamedEvent OpenWindows(string name, OpenMode mode, NamedEventOptions options)
    {
        ParsedName.Parse(name); // the same names as on Linux
        IntPtr h;
        if (mode == OpenMode.Open)
        {
            h = OpenEventW(Synchronize | EventModifyState | EventQueryState, false, name);
            if (h == IntPtr.Zero) throw Error(Marshal.GetLastPInvokeError(), name, "OpenEventW");
            return new NamedEvent(name, h);
        }
        h = CreateEventW(IntPtr.Zero, !options.AutoReset, false, name);
        int err = Marshal.GetLastPInvokeError();
        if (h == IntPtr.Zero) throw Error(err, name, "CreateEventW");
        if (err == ErrorAlreadyExists && mode == OpenMode.Create)
        {
            CloseHandle(h);
            throw new AlreadyExistsException($"event \"{name}\" already exists");
        }
        return new NamedEvent(name, h);
    }

    private static TwinmapException Error(int err, string name, string call) => err switch
    {
        ErrorFileNotFound => new NotFoundException($"event \"{name}\" does not exist ({call}: error {err})"),
        ErrorInvalidHandle => new TwinmapException(TwinmapErrorCode.Os, $"event \"{name}\": {call} error {err}: the name may belong to another kind of object"),
        _ => new TwinmapException(TwinmapErrorCode.Os, $"event \"{name}\": {call} error {err}"),
    };

    private Win32Event WinLive()
    {
        if (_closed || _win is null) throw new ClosedException($"event \"{Name}\" is closed");
        return _win;
    }

    private static (bool ManualReset, bool Signaled) Query(IntPtr handle)
    {
        long info = 0; // EVENT_BASIC_INFORMATION: EventType (0 = manual reset), EventState
        int status = NtQueryEvent(handle, 0, &info, sizeof(long), null);
        if (status < 0) throw new TwinmapException(TwinmapErrorCode.Os, $"NtQueryEvent failed: NTSTATUS 0x{status:x8}");
        return ((int)info == 0, (int)(info >> 32) != 0);
    }

    private bool WinIsSet()
    {
        var w = WinLive();
        bool added = false;
        w.SafeWaitHandle.DangerousAddRef(ref added);
        try
        {
            return Query(w.SafeWaitHandle.DangerousGetHandle()).Signaled;
        }
        finally
        {
            if (added) w.SafeWaitHandle.DangerousRelease();
        }
    }

    private bool WinWait(int timeoutMs, CancellationToken token)
    {
        var w = WinLive();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, _winClosing!.Token);
        int r = WaitHandle.WaitAny([w, linked.Token.WaitHandle], timeoutMs < 0 ? Timeout.Infinite : timeoutMs);
        if (r == 0) return true;
        if (r == WaitHandle.WaitTimeout) return false;
        if (_closed) throw new ClosedException($"event \"{Name}\" is closed");
        token.ThrowIfCancellationRequested();
        return false;
    }

    private void WinSet(bool set)
    {
        var w = WinLive();
        bool added = false;
        w.SafeWaitHandle.DangerousAddRef(ref added);
        try
        {
            IntPtr h = w.SafeWaitHandle.DangerousGetHandle();
            if (!(set ? SetEvent(h) : ResetEvent(h))) throw Error(Marshal.GetLastPInvokeError(), Name, set ? "SetEvent" : "ResetEvent");
        }
        finally
        {
            if (added) w.SafeWaitHandle.DangerousRelease();
        }
    }

    private void WinDispose()
    {
        _winClosing!.Cancel(); // pending waits end with CLOSED
        _win!.Dispose();
        _winClosing.Dispose();
    }

    [DllImport("kernel32", SetLastError = true, CharSet = CharSet.Unicode)]
    private static extern IntPtr CreateEventW(IntPtr attributes, bool manualReset, bool initialState, string name);

    [DllImport("kernel32", SetLastError = true, CharSet = CharSet.Unicode)]
    private static extern IntPtr OpenEventW(uint access, bool inherit, string name);

    [DllImport("kernel32", SetLastError = true)]
    private static extern bool SetEvent(IntPtr handle);

    [DllImport("kernel32", SetLastError = true)]
    private static extern bool ResetEvent(IntPtr handle);

    [DllImport("kernel32", SetLastError = true)]
    private static extern bool CloseHandle(IntPtr handle);

    [DllImport("ntdll")]
    private static extern int NtQueryEvent(IntPtr handle, int infoClass, void* info, int length, int* returned);
}
