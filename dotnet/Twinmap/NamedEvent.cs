using E = Twinmap.Formats.EventHeaderLayout;

namespace Twinmap;

/// <summary>
/// A named event Node and .NET can both set and wait on (.NET's own named EventWaitHandle is
/// Windows-only). On Linux it is a futex word in /dev/shm/&lt;name&gt;, the same 64-byte layout
/// as ts/event/named-event.ts (formats/event_header.ksy).
/// </summary>
public sealed unsafe partial class NamedEvent : IDisposable
{
    internal const uint Magic = 0x56454d54; // "TMEV"
    internal const ushort Version = 1;
    // Offsets from the code `twinmap gen` writes for formats/event_header.ksy (`const`: compiled in).
    internal const int Size = E.SIZE;
    private const int OffMagic = E.Magic, OffVersion = E.Version, OffFlags = E.Flags, OffState = E.State, OffWaiters = E.Waiters;
    private const ushort FlagManualReset = 1;

    private readonly SharedRegion _region;
    private int _asyncWaits;
    private volatile bool _closed;

    public string Name { get; }

    /// <summary>True for auto-reset events (read from the shared header).</summary>
    public bool AutoReset { get; }

    private NamedEvent(string name, SharedRegion region)
    {
        Name = name;
        _region = region;
        AutoReset = (*(ushort*)(region.Base + OffFlags) & FlagManualReset) == 0;
    }

    /// <summary>Creates a new event (not set); ALREADY_EXISTS if the name is taken.</summary>
    public static NamedEvent Create(string name, NamedEventOptions? options = null) => OpenWith(name, OpenMode.Create, options ?? new());

    /// <summary>Opens an existing event; NOT_FOUND if missing, BAD_HEADER if the name holds something else.</summary>
    public static NamedEvent Open(string name) => OpenWith(name, OpenMode.Open, new());

    /// <summary>Opens the event, creating it if needed (options apply only when this call creates it).</summary>
    public static NamedEvent OpenOrCreate(string name, NamedEventOptions? options = null) => OpenWith(name, OpenMode.OpenOrCreate, options ?? new());

    /// <summary>Removes the name; processes that have it open keep working.</summary>
    public static bool Unlink(string name) => OperatingSystem.IsWindows() ? false : SharedRegion.Unlink(name);

    private static NamedEvent OpenWith(string name, OpenMode mode, NamedEventOptions options)
    {
        if (OperatingSystem.IsWindows()) return OpenWindows(name, mode, options); // NamedEvent.Windows.cs
        var region = SharedRegion.Open(name, mode, "event", OffMagic, Magic, Size,
            init: p =>
            {
                var b = (byte*)p;
                *(ushort*)(b + OffVersion) = Version;
                *(ushort*)(b + OffFlags) = options.AutoReset ? (ushort)0 : FlagManualReset;
            },
            check: (p, size) =>
            {
                var b = (byte*)p;
                ushort version = *(ushort*)(b + OffVersion);
                if (version != Version)
                    throw new BadHeaderException($"event \"{name}\": version {version} at offset {OffVersion}, this library speaks {Version}");
                if (size < Size) throw new BadHeaderException($"event \"{name}\": file is {size} bytes, an event needs {Size}");
                uint state = *(uint*)(b + OffState);
                if (state > 1) throw new BadHeaderException($"event \"{name}\": state {state} at offset {OffState} is neither 0 nor 1");
                return size;
            });
        return new NamedEvent(name, region);
    }

    private int* State => (int*)(_region.Base + OffState);
    private int* Waiters => (int*)(_region.Base + OffWaiters);

    /// <summary>Signals the event: wakes one waiter (auto-reset) or all (manual-reset).</summary>
    public void Set()
    {
        if (_win is not null)
        {
            WinSet(true);
            return;
        }
        if (Interlocked.Exchange(ref *State, 1) == 0 && Volatile.Read(ref *Waiters) != 0)
            Futex.Wake(State, AutoReset ? 1 : 0);
    }

    /// <summary>Clears the event.</summary>
    public void Reset()
    {
        if (_win is not null) WinSet(false);
        else Volatile.Write(ref *State, 0);
    }

    /// <summary>True if the event is set now (does not consume it).</summary>
    public bool IsSet => _win is not null ? WinIsSet() : Volatile.Read(ref *State) == 1;

    /// <summary>Takes the signal if it is there (auto-reset clears it); never sleeps.</summary>
    public bool TryWait() =>
        _win is not null ? WinLive().WaitOne(0) : AutoReset ? Interlocked.CompareExchange(ref *State, 0, 1) == 1 : Volatile.Read(ref *State) == 1;

    /// <summary>Blocks until set or until <paramref name="timeoutMs"/> passes (negative: no limit). True if signalled.</summary>
    public bool Wait(int timeoutMs = Timeout.Infinite) => Wait(timeoutMs, CancellationToken.None);

    private bool Wait(int timeoutMs, CancellationToken token)
    {
        if (_win is not null) return WinWait(timeoutMs, token);
        long deadline = timeoutMs < 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs;
        // Dispose and cancellation wake the futex; the slice is only a backstop for a wake
        // that raced with going to sleep, so an idle wait costs a wake-up per second at most.
        using var onCancel = token.Register(() => Kick());
        for (;;)
        {
            if (_closed) throw new ClosedException($"event \"{Name}\" is closed");
            if (TryWait()) return true;
            token.ThrowIfCancellationRequested();
            long left = timeoutMs < 0 ? -1 : deadline - Environment.TickCount64;
            if (timeoutMs >= 0 && left <= 0) return false;
            double slice = token.CanBeCanceled || _asyncWaits > 0 ? (left < 0 ? 1000 : Math.Min(left, 1000)) : left;
            Interlocked.Increment(ref *Waiters);
            try
            {
                if (Volatile.Read(ref *State) == 0 && !_closed) Futex.Wait(State, 0, slice);
            }
            finally
            {
                Interlocked.Decrement(ref *Waiters);
            }
        }
    }

    private void Kick()
    {
        var b = _region.BaseOrNull;
        if (b != null) Futex.Wake((int*)(b + OffState), 0);
    }

    /// <summary>Waits on a dedicated thread, so the caller is not blocked. True if signalled.</summary>
    public Task<bool> WaitAsync(int timeoutMs = Timeout.Infinite, CancellationToken cancellationToken = default)
    {
        if (TryWait()) return Task.FromResult(true);
        Interlocked.Increment(ref _asyncWaits);
        return Task.Factory.StartNew(() =>
        {
            try
            {
                return Wait(timeoutMs, cancellationToken);
            }
            finally
            {
                if (Interlocked.Decrement(ref _asyncWaits) == 0 && _closed && _win is null) _region.Dispose();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Unmaps the event; pending waits end with CLOSED. Idempotent.</summary>
    public void Dispose()
    {
        if (_closed) return;
        // Count this call as a waiter too, so the mapping stays until the wake is done; whoever
        // leaves last (this call or a pending async wait) unmaps.
        Interlocked.Increment(ref _asyncWaits);
        _closed = true;
        if (_win is not null)
        {
            WinDispose();
            return;
        }
        Interlocked.MemoryBarrier();
        Kick();
        if (Interlocked.Decrement(ref _asyncWaits) == 0) _region.Dispose();
    }
}
