using E = Twinmap.Formats.EventHeaderLayout;

namespace Twinmap;

// NamedEvent on Linux: a futex word in a small shared region (/dev/shm/<name>), the same layout
// as ts/event/linux.ts (formats/event_header.ksy). Sleepers count themselves in `waiters`, so
// Set makes a syscall only when someone sleeps.
public sealed partial class NamedEvent
{
    // Magic, version and offsets from the code `twinmap gen` writes for formats/event_header.ksy
    // (`const`: compiled in).
    internal const uint Magic = E.MagicContentsLe; // "TMEV"
    internal const ushort Version = E.VersionValid;
    internal const int Size = E.SIZE;

    private sealed unsafe class LinuxCore : ICore
    {
        private const int OffMagic = E.Magic, OffVersion = E.Version, OffFlags = E.Flags, OffState = E.State, OffWaiters = E.Waiters;
        private const ushort FlagManualReset = 1;

        private readonly string _name;
        private readonly SharedRegion _region;
        private int _asyncWaits;
        private volatile bool _closed;

        public bool AutoReset { get; }

        private LinuxCore(string name, SharedRegion region)
        {
            _name = name;
            _region = region;
            AutoReset = (*(ushort*)(region.Base + OffFlags) & FlagManualReset) == 0;
        }

        public static bool UnlinkCore(string name) => SharedRegion.Unlink(name);

        public static LinuxCore OpenCore(string name, OpenMode mode, NamedEventOptions options)
        {
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
            return new LinuxCore(name, region);
        }

        private int* State => (int*)(_region.Base + OffState);
        private int* Waiters => (int*)(_region.Base + OffWaiters);

        public void SetCore()
        {
            if (Interlocked.Exchange(ref *State, 1) == 0 && Volatile.Read(ref *Waiters) != 0)
                Futex.Wake(State, AutoReset ? 1 : 0);
        }

        public void ResetCore() => Volatile.Write(ref *State, 0);

        public bool IsSetCore() => Volatile.Read(ref *State) == 1;

        public bool TryWaitCore() => AutoReset ? Interlocked.CompareExchange(ref *State, 0, 1) == 1 : Volatile.Read(ref *State) == 1;

        public bool WaitCore(int timeoutMs, CancellationToken token)
        {
            long deadline = timeoutMs < 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs;
            // Dispose and cancellation wake the futex; the slice is only a backstop for a wake
            // that raced with going to sleep, so an idle wait costs a wake-up per second at most.
            using var onCancel = token.Register(() => Kick());
            for (;;)
            {
                if (_closed) throw new ClosedException($"event \"{_name}\" is closed");
                if (TryWaitCore()) return true;
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

        public Task<bool> WaitAsyncCore(int timeoutMs, CancellationToken token)
        {
            if (TryWaitCore()) return Task.FromResult(true);
            Interlocked.Increment(ref _asyncWaits);
            return Task.Factory.StartNew(() =>
            {
                try
                {
                    return WaitCore(timeoutMs, token);
                }
                finally
                {
                    if (Interlocked.Decrement(ref _asyncWaits) == 0 && _closed) _region.Dispose();
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        public void Dispose()
        {
            if (_closed) return;
            // Count this call as a waiter too, so the mapping stays until the wake is done; whoever
            // leaves last (this call or a pending async wait) unmaps.
            Interlocked.Increment(ref _asyncWaits);
            _closed = true;
            Interlocked.MemoryBarrier();
            Kick();
            if (Interlocked.Decrement(ref _asyncWaits) == 0) _region.Dispose();
        }
    }
}
