namespace Twinmap;

/// <summary>
/// A named event Node and .NET can both set and wait on (.NET's own named EventWaitHandle is
/// Windows-only). On Linux it is a futex word in /dev/shm/&lt;name&gt;, the same 64-byte layout
/// as ts/event/linux.ts (formats/event_header.ksy); on Windows it is the Win32 named event
/// .NET's EventWaitHandle makes.
/// </summary>
// The public surface; the OS object is the platform's core: NamedEvent.Linux.cs and
// NamedEvent.Windows.cs implement the same *Core methods (the Node twin: ts/event/named-event.ts
// over ts/event/backend.ts, linux.ts, win32.ts).
public sealed partial class NamedEvent : IDisposable
{
    /// <summary>What the platform's event does; one implementation per OS.</summary>
    private interface ICore : IDisposable
    {
        bool AutoReset { get; }
        void SetCore();
        void ResetCore();
        bool IsSetCore();
        bool TryWaitCore();
        bool WaitCore(int timeoutMs, CancellationToken token);
        Task<bool> WaitAsyncCore(int timeoutMs, CancellationToken token);
    }

    private readonly ICore _core;

    public string Name { get; }

    /// <summary>True for auto-reset events (read from the shared header).</summary>
    public bool AutoReset { get; }

    private NamedEvent(string name, ICore core)
    {
        Name = name;
        _core = core;
        AutoReset = core.AutoReset;
    }

    /// <summary>Creates a new event (not set); ALREADY_EXISTS if the name is taken.</summary>
    public static NamedEvent Create(string name, NamedEventOptions? options = null) => OpenWith(name, OpenMode.Create, options ?? new());

    /// <summary>Opens an existing event; NOT_FOUND if missing, BAD_HEADER if the name holds something else.</summary>
    public static NamedEvent Open(string name) => OpenWith(name, OpenMode.Open, new());

    /// <summary>Opens the event, creating it if needed (options apply only when this call creates it).</summary>
    public static NamedEvent OpenOrCreate(string name, NamedEventOptions? options = null) => OpenWith(name, OpenMode.OpenOrCreate, options ?? new());

    /// <summary>Removes the name; processes that have it open keep working.</summary>
    public static bool Unlink(string name) => OperatingSystem.IsWindows() ? WindowsCore.UnlinkCore(name) : LinuxCore.UnlinkCore(name);

    private static NamedEvent OpenWith(string name, OpenMode mode, NamedEventOptions options) =>
        new(name, OperatingSystem.IsWindows() ? WindowsCore.OpenCore(name, mode, options) : LinuxCore.OpenCore(name, mode, options));

    /// <summary>Signals the event: wakes one waiter (auto-reset) or all (manual-reset).</summary>
    public void Set() => _core.SetCore();

    /// <summary>Clears the event.</summary>
    public void Reset() => _core.ResetCore();

    /// <summary>True if the event is set now (does not consume it).</summary>
    public bool IsSet => _core.IsSetCore();

    /// <summary>Takes the signal if it is there (auto-reset clears it); never sleeps.</summary>
    public bool TryWait() => _core.TryWaitCore();

    /// <summary>Blocks until set or until <paramref name="timeoutMs"/> passes (negative: no limit). True if signalled.</summary>
    public bool Wait(int timeoutMs = Timeout.Infinite) => _core.WaitCore(timeoutMs, CancellationToken.None);

    /// <summary>Waits on a dedicated thread, so the caller is not blocked. True if signalled.</summary>
    public Task<bool> WaitAsync(int timeoutMs = Timeout.Infinite, CancellationToken cancellationToken = default) =>
        _core.WaitAsyncCore(timeoutMs, cancellationToken);

    /// <summary>Closes the event; pending waits end with CLOSED. Idempotent.</summary>
    public void Dispose() => _core.Dispose();
}
