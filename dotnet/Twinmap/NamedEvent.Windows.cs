using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace Twinmap;

// NamedEvent on Windows: a Win32 named event, the very object .NET's
// `new EventWaitHandle(false, mode, name)` creates, so an unmodified .NET app, this class and
// twinmap's TS NamedEvent (ts/event/win32.ts) meet by name. Names go to the kernel
// unchanged. The handle is opened with EVENT_QUERY_STATE too (which EventWaitHandle.OpenExisting
// does not ask for), so NtQueryEvent can tell an opened event's kind and state, as on Linux.
public sealed partial class NamedEvent
{
    [SupportedOSPlatform("windows")]
    private sealed unsafe class WindowsCore : ICore
    {
        private const uint Synchronize = 0x00100000, EventModifyState = 0x0002, EventQueryState = 0x0001;
        private const int ErrorAlreadyExists = 183, ErrorFileNotFound = 2, ErrorInvalidHandle = 6;

        private readonly string _name;
        private readonly Win32Event _win;
        private readonly CancellationTokenSource _closing = new();
        private volatile bool _closed;

        public bool AutoReset { get; }

        private sealed class Win32Event : WaitHandle
        {
            public Win32Event(IntPtr handle) => SafeWaitHandle = new SafeWaitHandle(handle, ownsHandle: true);
        }

        private WindowsCore(string name, IntPtr handle)
        {
            _name = name;
            _win = new Win32Event(handle);
            AutoReset = !Query(handle).ManualReset;
        }

        /// <summary>Windows removes a name with its last handle: there is nothing to remove. Always false.</summary>
        public static bool UnlinkCore(string name) => false;

        public static WindowsCore OpenCore(string name, OpenMode mode, NamedEventOptions options)
        {
            ParsedName.Parse(name); // the same names as on Linux
            IntPtr h;
            if (mode == OpenMode.Open)
            {
                h = OpenEventW(Synchronize | EventModifyState | EventQueryState, false, name);
                if (h == IntPtr.Zero) throw Error(Marshal.GetLastPInvokeError(), name, "OpenEventW");
                return new WindowsCore(name, h);
            }
            h = CreateEventW(IntPtr.Zero, !options.AutoReset, false, name);
            int err = Marshal.GetLastPInvokeError();
            if (h == IntPtr.Zero) throw Error(err, name, "CreateEventW");
            if (err == ErrorAlreadyExists && mode == OpenMode.Create)
            {
                CloseHandle(h);
                throw new AlreadyExistsException($"event \"{name}\" already exists");
            }
            return new WindowsCore(name, h);
        }

        private static TwinmapException Error(int err, string name, string call) => err switch
        {
            ErrorFileNotFound => new NotFoundException($"event \"{name}\" does not exist ({call}: error {err})"),
            ErrorInvalidHandle => new TwinmapException(TwinmapErrorCode.Os, $"event \"{name}\": {call} error {err}: the name may belong to another kind of object"),
            _ => new TwinmapException(TwinmapErrorCode.Os, $"event \"{name}\": {call} error {err}"),
        };

        private Win32Event Live()
        {
            if (_closed) throw new ClosedException($"event \"{_name}\" is closed");
            return _win;
        }

        private static (bool ManualReset, bool Signaled) Query(IntPtr handle)
        {
            long info = 0; // EVENT_BASIC_INFORMATION: EventType (0 = manual reset), EventState
            int status = NtQueryEvent(handle, 0, &info, sizeof(long), null);
            if (status < 0) throw new TwinmapException(TwinmapErrorCode.Os, $"NtQueryEvent failed: NTSTATUS 0x{status:x8}");
            return ((int)info == 0, (int)(info >> 32) != 0);
        }

        public void SetCore() => SetState(true);

        public void ResetCore() => SetState(false);

        public bool IsSetCore()
        {
            var w = Live();
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

        public bool TryWaitCore() => Live().WaitOne(0);

        public bool WaitCore(int timeoutMs, CancellationToken token)
        {
            var w = Live();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, _closing.Token);
            int r = WaitHandle.WaitAny([w, linked.Token.WaitHandle], timeoutMs < 0 ? Timeout.Infinite : timeoutMs);
            if (r == 0) return true;
            if (r == WaitHandle.WaitTimeout) return false;
            if (_closed) throw new ClosedException($"event \"{_name}\" is closed");
            token.ThrowIfCancellationRequested();
            return false;
        }

        public Task<bool> WaitAsyncCore(int timeoutMs, CancellationToken token)
        {
            if (TryWaitCore()) return Task.FromResult(true);
            return Task.Factory.StartNew(() => WaitCore(timeoutMs, token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        private void SetState(bool set)
        {
            var w = Live();
            bool added = false;
            w.SafeWaitHandle.DangerousAddRef(ref added);
            try
            {
                IntPtr h = w.SafeWaitHandle.DangerousGetHandle();
                if (!(set ? SetEvent(h) : ResetEvent(h))) throw Error(Marshal.GetLastPInvokeError(), _name, set ? "SetEvent" : "ResetEvent");
            }
            finally
            {
                if (added) w.SafeWaitHandle.DangerousRelease();
            }
        }

        public void Dispose()
        {
            if (_closed) return;
            _closed = true;
            _closing.Cancel(); // pending waits end with CLOSED
            _win.Dispose();
            _closing.Dispose();
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
}
