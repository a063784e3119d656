using System.Diagnostics.CodeAnalysis;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Twinmap;


/// <summary>
/// A shared-memory message channel: a named region holding a header and a ring of
/// length-prefixed records; many writers, one reader. The protocol is docs/protocol/channel.md; the
/// Node twin is ts/channel/channel.ts, and the two meet on the same name.
/// </summary>
/// <remarks>
/// Shared words are accessed with <see cref="Interlocked"/> (full fences) where the protocol
/// needs a store to be seen before a following load (the waiter flags), and with
/// <see cref="Volatile"/> elsewhere.
/// </remarks>
public sealed unsafe class Channel : IDisposable
{
    internal const uint Magic = 0x48434d54; // "TMCH"
    internal const ushort Version = 2;
    internal const int HeaderSize = 1024;
    internal const int MinCapacity = 4096;
    internal const int MaxCapacity = 1 << 30;
    internal const int FrameHeader = 8;
    internal const int KindRecord = 1;
    internal const int KindWrap = 2;
    internal const int WriterSlots = 32;
    internal const int LockContended = unchecked((int)0x80000000);

    private const int OffMagic = 0, OffVersion = 4, OffHeaderSize = 6, OffCapacity = 8;
    // Each hot word has its cache line to itself or shares it only with words the same side
    // writes (docs/protocol/channel.md, "Cache lines"): the writers' line, the reader's line, and a
    // line of waiter flags and reader identity that nobody writes while both sides are busy.
    private const int OffHead = 64, OffLock = 68, OffTailCache = 72;
    private const int OffTail = 128;
    private const int OffDataSeq = 192, OffReaderWaiting = 196, OffSpaceSeq = 200, OffWritersWaiting = 204;
    private const int OffReaderState = 208, OffReaderPid = 212, OffReaderStart = 216;
    private const int OffWriters = 256, WriterSlotSize = 16;
    private const int ReaderNone = 0, ReaderAttached = 1, ReaderDetached = 2;

    private readonly SharedRegion _region;
    private readonly IRegionFutex _futex;
    private readonly byte* _base;
    private readonly byte* _ring;
    private readonly int _mask;
    private readonly long _spinTicks;
    private readonly int _peerCheckMs;
    private readonly Gate _gate = new();
    private int _slot = -1;
    private bool _reader;
    private int _tail;
    private int _seenHead; // the reader's last read of head: records up to it are there without re-reading head
    private long _pendingTail = -1;
    private long _lastReap; // Stopwatch timestamp of the last ReapIfDue that reaped
    private volatile bool _closed;
    private int _busy; // async waits still touching the mapping
    private CancellationTokenSource? _pump;
    // Adaptive spinning: spins that keep missing (the peer is slow, or shares our core on a busy
    // machine, where spinning only delays it) are skipped for a while.
    private int _spinMisses;
    private int _spinSkip;

    public string Name { get; }

    /// <summary>Ring bytes.</summary>
    public int Capacity { get; }

    /// <summary>The largest record this channel can carry (Capacity - 8).</summary>
    public int MaxMessageSize => Capacity - FrameHeader;

    /// <summary>Raised (on a pool thread) for each record while a receive loop runs: see <see cref="StartReceiving"/>.</summary>
    public event EventHandler<ChannelMessageEventArgs>? Received;

    /// <summary>Raised when a check finds that a writer died (its slot is freed, its lock released).</summary>
    public event EventHandler<PeerGone>? PeerGoneDetected;

    private Channel(string name, SharedRegion region, ChannelOptions options)
    {
        Name = name;
        _region = region;
        _futex = region.Futex;
        _base = region.Base;
        Capacity = *(int*)(_base + OffCapacity);
        _ring = _base + HeaderSize;
        _mask = Capacity - 1;
        _spinTicks = options.SpinMicros * Stopwatch.Frequency / 1_000_000;
        _peerCheckMs = options.PeerCheckMs;
    }

    /// <summary>Creates a new channel; ALREADY_EXISTS if the name is taken.</summary>
    public static Channel Create(string name, ChannelOptions? options = null) => OpenWith(name, OpenMode.Create, options ?? new());

    /// <summary>Opens an existing channel (capacity from its header); BAD_HEADER for garbage.</summary>
    public static Channel Open(string name, ChannelOptions? options = null) => OpenWith(name, OpenMode.Open, options ?? new());

    /// <summary>Opens the channel, creating it with options.Capacity if needed.</summary>
    public static Channel OpenOrCreate(string name, ChannelOptions? options = null) => OpenWith(name, OpenMode.OpenOrCreate, options ?? new());

    /// <summary>Removes the name; processes that have the channel open keep using it.</summary>
    public static bool Unlink(string name) => SharedRegion.Unlink(name);

    private static Channel OpenWith(string name, OpenMode mode, ChannelOptions options)
    {
        // Every option is checked before anything is created: a bad option leaves no object behind.
        ParsedName.Parse(name);
        ArgumentNullException.ThrowIfNull(options);
        int capacity = options.Capacity;
        if (mode != OpenMode.Open && (capacity < MinCapacity || capacity > MaxCapacity || (capacity & (capacity - 1)) != 0))
            throw new TwinmapException(TwinmapErrorCode.InvalidArgument, $"channel \"{name}\": capacity {capacity} must be a power of two from {MinCapacity} to {MaxCapacity}");
        if (options.SpinMicros < 0)
            throw new TwinmapException(TwinmapErrorCode.InvalidArgument, $"channel \"{name}\": SpinMicros must be >= 0, got {options.SpinMicros}");
        if (options.PeerCheckMs <= 0)
            throw new TwinmapException(TwinmapErrorCode.InvalidArgument, $"channel \"{name}\": PeerCheckMs must be > 0, got {options.PeerCheckMs}");
        var region = SharedRegion.Open(name, mode, "channel", OffMagic, Magic, (long)HeaderSize + capacity,
            init: p =>
            {
                var b = (byte*)p;
                *(ushort*)(b + OffVersion) = Version;
                *(ushort*)(b + OffHeaderSize) = HeaderSize;
                *(int*)(b + OffCapacity) = capacity;
            },
            check: (p, size) => CheckHeader(name, (byte*)p, size),
            allowForeignOwner: options.AllowForeignOwner);
        Channel? channel = null;
        try
        {
            channel = new Channel(name, region, options);
            if (options.Reader) channel.Attach();
            return channel;
        }
        catch
        {
            if (channel is not null) channel.Dispose();
            else region.Dispose();
            if (region.Created) SharedRegion.Unlink(name);
            throw;
        }
    }

    private static long CheckHeader(string name, byte* b, long fileSize)
    {
        string what = $"channel \"{name}\"";
        ushort version = *(ushort*)(b + OffVersion);
        if (version != Version) throw new BadHeaderException($"{what}: version {version} at offset {OffVersion}, this library speaks {Version}");
        ushort headerSize = *(ushort*)(b + OffHeaderSize);
        if (headerSize != HeaderSize) throw new BadHeaderException($"{what}: header_size {headerSize} at offset {OffHeaderSize}, expected {HeaderSize}");
        if (fileSize < HeaderSize) throw new BadHeaderException($"{what}: the file is {fileSize} bytes, smaller than the header");
        uint cap = *(uint*)(b + OffCapacity);
        if (cap < MinCapacity || cap > MaxCapacity || (cap & (cap - 1)) != 0)
            throw new BadHeaderException($"{what}: capacity {cap} at offset {OffCapacity} is not a power of two from {MinCapacity} to {MaxCapacity}");
        if (fileSize != HeaderSize + cap) throw new BadHeaderException($"{what}: the file is {fileSize} bytes, but header + capacity is {HeaderSize + cap}");
        uint head = *(uint*)(b + OffHead), tail = *(uint*)(b + OffTail);
        if (head - tail > cap || (head & 7) != 0 || (tail & 7) != 0)
            throw new BadHeaderException($"{what}: head {head} and tail {tail} (offsets {OffHead}, {OffTail}) are not valid positions for capacity {cap}");
        uint state = *(uint*)(b + OffReaderState);
        if (state > ReaderDetached) throw new BadHeaderException($"{what}: reader_state {state} at offset {OffReaderState} is not 0, 1 or 2");
        uint lockSlot = *(uint*)(b + OffLock) & 0x7fffffff;
        if (lockSlot > WriterSlots) throw new BadHeaderException($"{what}: write_lock {lockSlot} at offset {OffLock} is not a writer slot");
        return fileSize;
    }

    private int* Word(int offset) => (int*)(_base + offset);
    private static int FrameSize(int payload) => (FrameHeader + payload + 7) & ~7;
    private int* SlotPid(int slot) => Word(OffWriters + slot * WriterSlotSize);
    private ulong* SlotStart(int slot) => (ulong*)(_base + OffWriters + slot * WriterSlotSize + 8);

    private void EnsureOpen()
    {
        if (_closed) throw new ClosedException($"channel \"{Name}\" is closed");
    }

    /// <summary>How long the next wait may spin (Stopwatch ticks): 0 while recent spins kept missing.</summary>
    private long SpinBudget()
    {
        if (_spinTicks == 0) return 0;
        if (_spinSkip > 0)
        {
            _spinSkip--;
            return 0;
        }
        return _spinTicks;
    }

    private void Spun(bool hit)
    {
        if (hit) _spinMisses = 0;
        else if (++_spinMisses >= 3)
        {
            _spinMisses = 0;
            _spinSkip = 64;
        }
    }

    private static long Deadline(int timeoutMs) => timeoutMs < 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs;
    private static int Left(long deadline) => deadline == long.MaxValue ? int.MaxValue : (int)Math.Max(0, deadline - Environment.TickCount64);

    // ------------------------------------------------------------------ writing

    private enum TryResult { Ok, Locked, Full }

    /// <summary>
    /// Sends one record, waiting up to <paramref name="timeoutMs"/> for room (negative: no limit).
    /// Throws TOO_LARGE, TIMEOUT, PEER_GONE (the reader closed or died), CLOSED; when it throws,
    /// nothing was published.
    /// </summary>
    public void Send(ReadOnlySpan<byte> data, int timeoutMs = Timeout.Infinite)
    {
        CheckSendable(data.Length);
        // The common case publishes at once: no clock read until a try fails.
        var r = TryPublish(data);
        if (r != TryResult.Ok) SendSlow(data, timeoutMs, r);
    }

    private void SendSlow(ReadOnlySpan<byte> data, int timeoutMs, TryResult r)
    {
        long deadline = Deadline(timeoutMs);
        long budget = SpinBudget();
        long spinUntil = budget > 0 ? Stopwatch.GetTimestamp() + budget : 0;
        for (;;)
        {
            if (Stopwatch.GetTimestamp() < spinUntil)
            {
                Thread.SpinWait(1);
                r = TryPublish(data);
                if (r == TryResult.Ok)
                {
                    Spun(true);
                    return;
                }
                continue;
            }
            if (spinUntil > 0) Spun(false);
            int left = Left(deadline);
            if (left <= 0) throw TimeoutError(data.Length, timeoutMs);
            int slice = Math.Min(left, _peerCheckMs);
            if (r == TryResult.Locked) SleepOnLock(slice);
            else SleepForSpace(data.Length, slice, CancellationToken.None);
            spinUntil = 0;
            r = TryPublish(data);
            if (r == TryResult.Ok) return;
        }
    }

    /// <summary>Sends if there is room now; false if the ring is full (or another writer holds it).</summary>
    public bool TrySend(ReadOnlySpan<byte> data)
    {
        CheckSendable(data.Length);
        return TryPublish(data) == TryResult.Ok;
    }

    /// <summary>
    /// Sends <paramref name="records"/> in order, waiting up to <paramref name="timeoutMs"/> for room
    /// (negative: no limit). As many as fit are published together: one write lock, one head
    /// update and at most one wake-up of the reader per batch, where <see cref="Send"/> pays each
    /// per record. Throws as Send does; a TIMEOUT or PEER_GONE says how many of the records were
    /// sent before it (those stay published).
    /// </summary>
    public void SendMany(IReadOnlyList<byte[]> records, int timeoutMs = Timeout.Infinite)
    {
        CheckSendableMany(records);
        int i = 0;
        long deadline = 0;
        bool waited = false;
        while (i < records.Count)
        {
            int r = TryPublishMany(records, i);
            if (r > 0)
            {
                i += r;
                continue;
            }
            if (!waited)
            {
                deadline = Deadline(timeoutMs);
                waited = true;
            }
            int left = Left(deadline);
            string partly = $"; {i} of the {records.Count} records were sent";
            if (left <= 0) throw new TwinmapException(TwinmapErrorCode.Timeout, TimeoutError(records[i].Length, timeoutMs).Message + partly);
            try
            {
                if (r < 0) SleepOnLock(Math.Min(left, _peerCheckMs));
                else SleepForSpace(records[i].Length, Math.Min(left, _peerCheckMs), CancellationToken.None);
            }
            catch (PeerGoneException e) when (i > 0)
            {
                throw new PeerGoneException(e.Message + partly);
            }
        }
    }

    /// <summary>Publishes, in one batch, as many of <paramref name="records"/> (from the first) as fit now; returns how many (0: full, or another writer holds the lock).</summary>
    public int TrySendMany(IReadOnlyList<byte[]> records)
    {
        CheckSendableMany(records);
        return records.Count == 0 ? 0 : Math.Max(0, TryPublishMany(records, 0));
    }

    private void CheckSendableMany(IReadOnlyList<byte[]> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        CheckSendable(0);
        for (int i = 0; i < records.Count; i++)
        {
            var d = records[i] ?? throw new TwinmapException(TwinmapErrorCode.InvalidArgument, $"SendMany: records[{i}] is null");
            if (d.Length > MaxMessageSize)
                throw new TooLargeException($"channel \"{Name}\": records[{i}] of {d.Length} bytes can never fit; the largest is {MaxMessageSize} (capacity {Capacity} - 8); nothing was sent");
        }
    }

    /// <summary>
    /// Like TryPublish for records[from..]: writes the frames that fit under one lock and publishes
    /// them with one head store. Returns how many records were published, 0 if none fit, -1 if
    /// another writer holds the lock.
    /// </summary>
    private int TryPublishMany(IReadOnlyList<byte[]> records, int from)
    {
        int me = _slot + 1;
        int* lockWord = Word(OffLock);
        if (Interlocked.CompareExchange(ref *lockWord, me, 0) != 0) return -1;
        try
        {
            int cap = Capacity;
            int start = Volatile.Read(ref *Word(OffHead));
            int head = start;
            int n = 0;
            uint used = (uint)head - (uint)Volatile.Read(ref *Word(OffTailCache));
            bool fresh = false; // tail read from the reader's line during this batch
            if (used > (uint)cap)
            {
                used = (uint)head - (uint)Volatile.Read(ref *Word(OffTail));
                fresh = true;
            }
            int free = cap - (int)used;
            for (int i = from; i < records.Count; i++)
            {
                var data = records[i];
                int size = FrameSize(data.Length);
                int off = head & _mask;
                int rest = cap - off;
                int need = rest < size ? rest + size : size;
                if (free < need && !fresh)
                {
                    int tail = Volatile.Read(ref *Word(OffTail));
                    Volatile.Write(ref *Word(OffTailCache), tail);
                    free = cap - (int)((uint)head - (uint)tail);
                    fresh = true;
                }
                if (rest < size)
                {
                    // A wrap frame first (published with the batch, as Send publishes it alone when
                    // only the wrap fits: then the reader moves past it and the record fits later).
                    if (free < rest) break;
                    *(int*)(_ring + off) = 0;
                    *(int*)(_ring + off + 4) = KindWrap;
                    head += rest;
                    free -= rest;
                    off = 0;
                }
                if (free < size) break;
                *(int*)(_ring + off) = data.Length;
                *(int*)(_ring + off + 4) = KindRecord;
                data.CopyTo(new Span<byte>(_ring + off + FrameHeader, data.Length));
                head += size;
                free -= size;
                n++;
            }
            if (head != start)
            {
                Interlocked.Exchange(ref *Word(OffHead), head); // the commit of the whole batch
                WakeReader();
            }
            return n;
        }
        finally
        {
            if ((Interlocked.Exchange(ref *lockWord, 0) & LockContended) != 0) _futex.Wake(lockWord, 1);
        }
    }

    /// <summary>Like <see cref="Send"/>, but a full ring is waited for on a pool thread.</summary>
    public Task SendAsync(ReadOnlyMemory<byte> data, int timeoutMs = Timeout.Infinite, CancellationToken cancellationToken = default)
    {
        CheckSendable(data.Length);
        if (TryPublish(data.Span) == TryResult.Ok) return Task.CompletedTask;
        return Task.Factory.StartNew(() =>
        {
            Interlocked.Increment(ref _busy);
            try
            {
                long deadline = Deadline(timeoutMs);
                for (;;)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    EnsureOpen();
                    var r = TryPublish(data.Span);
                    if (r == TryResult.Ok) return;
                    int left = Left(deadline);
                    if (left <= 0) throw TimeoutError(data.Length, timeoutMs);
                    int slice = Math.Min(Math.Min(left, _peerCheckMs), cancellationToken.CanBeCanceled ? 50 : int.MaxValue);
                    if (r == TryResult.Locked) SleepOnLock(slice);
                    else SleepForSpace(data.Length, slice, cancellationToken);
                }
            }
            finally
            {
                ReleaseBusy();
            }
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void CheckSendable(int length)
    {
        EnsureOpen();
        if (length > MaxMessageSize)
            throw new TooLargeException($"channel \"{Name}\": a record of {length} bytes can never fit; the largest is {MaxMessageSize} (capacity {Capacity} - 8)");
        if (Volatile.Read(ref *Word(OffReaderState)) == ReaderDetached)
            throw new PeerGoneException($"channel \"{Name}\": the reader has closed the channel; the record was not sent");
        if (_slot < 0)
        {
            lock (_gate)
            {
                if (_slot < 0) ClaimSlot();
            }
        }
    }

    private TwinmapException TimeoutError(int size, int timeoutMs) =>
        new TimeoutException($"channel \"{Name}\": no room for a {size}-byte record within {timeoutMs} ms (the reader is not keeping up); the record was not sent");

    private TryResult TryPublish(ReadOnlySpan<byte> data)
    {
        int me = _slot + 1;
        int* lockWord = Word(OffLock);
        if (Interlocked.CompareExchange(ref *lockWord, me, 0) != 0) return TryResult.Locked;
        try
        {
            int cap = Capacity;
            int head = Volatile.Read(ref *Word(OffHead));
            int size = FrameSize(data.Length);
            int off = head & _mask;
            int rest = cap - off;
            int need = rest < size ? rest + size : size;
            // Free space from tail_cache, on the writers' own cache line; the reader's tail (whose
            // line the reader writes per record) is read only when that looks short.
            uint used = (uint)head - (uint)Volatile.Read(ref *Word(OffTailCache));
            if (used > (uint)cap || cap - (int)used < need)
            {
                int tail = Volatile.Read(ref *Word(OffTail));
                Volatile.Write(ref *Word(OffTailCache), tail);
                used = (uint)head - (uint)tail;
            }
            int free = cap - (int)used;
            if (rest < size)
            {
                if (free < rest) return TryResult.Full;
                *(int*)(_ring + off) = 0;
                *(int*)(_ring + off + 4) = KindWrap;
                head += rest;
                free -= rest;
                Interlocked.Exchange(ref *Word(OffHead), head);
                off = 0;
                WakeReader();
            }
            if (free < size) return TryResult.Full;
            *(int*)(_ring + off) = data.Length;
            *(int*)(_ring + off + 4) = KindRecord;
            data.CopyTo(new Span<byte>(_ring + off + FrameHeader, data.Length));
            Interlocked.Exchange(ref *Word(OffHead), head + size); // the commit
            WakeReader();
            return TryResult.Ok;
        }
        finally
        {
            if ((Interlocked.Exchange(ref *lockWord, 0) & LockContended) != 0) _futex.Wake(lockWord, 1);
        }
    }

    private void WakeReader()
    {
        if (Volatile.Read(ref *Word(OffReaderWaiting)) != 0)
        {
            Volatile.Write(ref *Word(OffReaderWaiting), 0);
            Interlocked.Increment(ref *Word(OffDataSeq));
            _futex.Wake(Word(OffDataSeq), 1);
        }
    }

    private bool HasRoom(int length)
    {
        int head = Volatile.Read(ref *Word(OffHead));
        int tail = Volatile.Read(ref *Word(OffTail));
        int free = Capacity - (int)((uint)head - (uint)tail);
        int size = FrameSize(length);
        int rest = Capacity - (head & _mask);
        return rest < size ? free >= rest : free >= size;
    }

    private void SleepOnLock(int ms)
    {
        int* lockWord = Word(OffLock);
        int v = Volatile.Read(ref *lockWord);
        if (v == 0) return;
        if ((v & LockContended) == 0) Interlocked.CompareExchange(ref *lockWord, v | LockContended, v);
        _futex.Wait(lockWord, v | LockContended, ms);
        CheckLockHolder();
    }

    private void SleepForSpace(int length, int ms, CancellationToken token)
    {
        int seq = Volatile.Read(ref *Word(OffSpaceSeq));
        Interlocked.Increment(ref *Word(OffWritersWaiting));
        try
        {
            if (!HasRoom(length) && !token.IsCancellationRequested) _futex.Wait(Word(OffSpaceSeq), seq, ms);
        }
        finally
        {
            Interlocked.Decrement(ref *Word(OffWritersWaiting));
        }
        int? gone = ReaderGone();
        if (gone is not null) throw new PeerGoneException($"channel \"{Name}\": the reader (pid {gone}) is gone; the record was not sent");
    }

    private void CheckLockHolder()
    {
        int v = Volatile.Read(ref *Word(OffLock));
        if (v == 0) return;
        int slot = (v & ~LockContended) - 1;
        if (slot < 0 || slot >= WriterSlots) throw new BadHeaderException($"channel \"{Name}\": write_lock holds {(uint)v}, not a writer slot");
        if (!SlotAlive(slot)) ReapSlot(slot);
    }

    /// <summary>The pid of a reader that closed (0) or died; null while it lives or none came yet.</summary>
    private int? ReaderGone()
    {
        int state = Volatile.Read(ref *Word(OffReaderState));
        if (state == ReaderDetached) return 0;
        if (state != ReaderAttached) return null;
        for (int attempt = 0; attempt < 2; attempt++)
        {
            int pid = Volatile.Read(ref *Word(OffReaderPid));
            ulong start = Volatile.Read(ref *(ulong*)(_base + OffReaderStart));
            if (pid == 0 || Liveness.IsAlive(pid, start)) return null;
            if (attempt == 1) return pid;
        }
        return null;
    }

    // ------------------------------------------------------------------ writer slots

    private void ClaimSlot()
    {
        int pid = Environment.ProcessId;
        for (int round = 0; round < 2; round++)
        {
            for (int s = 0; s < WriterSlots; s++)
            {
                if (Volatile.Read(ref *SlotPid(s)) == 0 && Interlocked.CompareExchange(ref *SlotPid(s), pid, 0) == 0)
                {
                    Volatile.Write(ref *SlotStart(s), Liveness.SelfStartTime);
                    _slot = s;
                    return;
                }
            }
            ReapDeadWriters();
        }
        throw new TwinmapException(TwinmapErrorCode.Unsupported, $"channel \"{Name}\": all {WriterSlots} writer slots are held by live writers");
    }

    private bool SlotAlive(int slot)
    {
        int pid = Volatile.Read(ref *SlotPid(slot));
        if (pid == 0) return false;
        if (pid == Environment.ProcessId) return true;
        return Liveness.IsAlive(pid, Volatile.Read(ref *SlotStart(slot)));
    }

    private (int Pid, bool HeldLock) ReapSlot(int slot)
    {
        int pid = Volatile.Read(ref *SlotPid(slot));
        if (pid == 0) return (0, false);
        int* lockWord = Word(OffLock);
        int v = Volatile.Read(ref *lockWord);
        bool held = false;
        if ((v & ~LockContended) == slot + 1 && Interlocked.CompareExchange(ref *lockWord, 0, v) == v)
        {
            held = true;
            _futex.Wake(lockWord, 0);
        }
        Volatile.Write(ref *SlotStart(slot), 0UL);
        return (Interlocked.CompareExchange(ref *SlotPid(slot), 0, pid) == pid ? pid : 0, held);
    }

    private List<PeerGone> ReapDeadWriters()
    {
        var gone = new List<PeerGone>();
        for (int s = 0; s < WriterSlots; s++)
        {
            if (s == _slot) continue;
            if (Volatile.Read(ref *SlotPid(s)) != 0 && !SlotAlive(s))
            {
                var (pid, held) = ReapSlot(s);
                if (pid != 0) gone.Add(new PeerGone("writer", pid, held));
            }
        }
        foreach (var g in gone) PeerGoneDetected?.Invoke(this, g);
        return gone;
    }

    /// <summary>Frees the slots of writers that died (releasing the lock if one held it); adds the reader if it is gone.</summary>
    public IReadOnlyList<PeerGone> CheckPeers()
    {
        EnsureOpen();
        var gone = ReapDeadWriters();
        if (!_reader && ReaderGone() is { } r) gone.Add(new PeerGone("reader", r));
        return gone;
    }

    /// <summary>Live writer processes (pids) registered on this channel.</summary>
    public IReadOnlyList<int> Writers()
    {
        EnsureOpen();
        var pids = new List<int>();
        for (int s = 0; s < WriterSlots; s++)
        {
            int pid = Volatile.Read(ref *SlotPid(s));
            if (pid != 0 && SlotAlive(s)) pids.Add(pid);
        }
        return pids;
    }

    // ------------------------------------------------------------------ reading

    /// <summary>
    /// Attaches this handle as the channel's reader without taking a record (receives attach on
    /// their own). From then on writers see this process: if it dies or closes, a writer waiting
    /// for room gets PEER_GONE at once instead of waiting out its timeout.
    /// <see cref="AlreadyExistsException"/> if another live process is the reader. Idempotent.
    /// </summary>
    public void Attach()
    {
        EnsureOpen();
        if (!_reader) AttachReader();
    }

    private void AttachReader()
    {
        int pid = Environment.ProcessId;
        int cur = Volatile.Read(ref *Word(OffReaderPid));
        if (cur != 0 && Volatile.Read(ref *Word(OffReaderState)) == ReaderAttached)
        {
            ulong start = Volatile.Read(ref *(ulong*)(_base + OffReaderStart));
            if (cur == pid || Liveness.IsAlive(cur, start))
                throw new AlreadyExistsException($"channel \"{Name}\" already has a reader (pid {cur}); a channel has one reader");
        }
        if (Interlocked.CompareExchange(ref *Word(OffReaderPid), pid, cur) != cur)
            throw new AlreadyExistsException($"channel \"{Name}\": another reader attached at the same moment");
        Volatile.Write(ref *(ulong*)(_base + OffReaderStart), Liveness.SelfStartTime);
        Interlocked.Exchange(ref *Word(OffReaderState), ReaderAttached);
        _tail = _seenHead = Volatile.Read(ref *Word(OffTail));
        _reader = true;
    }

    private void ReleaseView()
    {
        if (_pendingTail >= 0)
        {
            AdvanceTail((int)_pendingTail);
            _pendingTail = -1;
        }
    }

    private void AdvanceTail(int t)
    {
        _tail = t;
        Interlocked.Exchange(ref *Word(OffTail), t);
        // Wake sleeping writers only once half the ring is free (or it is empty): waking them
        // for every record would cost a syscall per record and a context switch per few.
        if (Volatile.Read(ref *Word(OffWritersWaiting)) != 0 && (uint)Volatile.Read(ref *Word(OffHead)) - (uint)t <= (uint)Capacity / 2)
        {
            Interlocked.Increment(ref *Word(OffSpaceSeq));
            _futex.Wake(Word(OffSpaceSeq), 0);
        }
    }

    /// <summary>Ring offset of the next record, or -1 if empty; skips wrap frames; BAD_HEADER for a frame no writer could have written.</summary>
    private int NextFrame(bool publish = true)
    {
        for (;;)
        {
            // Head (on the writers' line) is re-read only when the records seen so far are taken.
            int head = _seenHead;
            if (head == _tail) head = _seenHead = Volatile.Read(ref *Word(OffHead));
            uint avail = (uint)head - (uint)_tail;
            if (avail == 0) return -1;
            int off = _tail & _mask;
            if (avail > (uint)Capacity || avail < FrameHeader) Corrupt($"head {(uint)head} and tail {(uint)_tail} are {avail} bytes apart");
            uint len = *(uint*)(_ring + off);
            int kind = *(int*)(_ring + off + 4);
            if (kind == KindWrap)
            {
                int rest = Capacity - off;
                if (avail < (uint)rest) Corrupt($"wrap frame at ring offset {off} needs {rest} published bytes, only {avail} are");
                if (publish) AdvanceTail(_tail + rest);
                else _tail += rest; // ReceiveMany publishes tail once, at the end
                continue;
            }
            if (kind != KindRecord) Corrupt($"frame at ring offset {off} has kind {kind}, expected 1 (record) or 2 (wrap)");
            if (len > (uint)MaxMessageSize) Corrupt($"frame at ring offset {off} claims {len} bytes, more than the ring holds");
            int size = FrameSize((int)len);
            if ((uint)size > avail || off + size > Capacity) Corrupt($"frame at ring offset {off} ({len} bytes) runs past the published data or the ring's end");
            return off;
        }
    }

    [DoesNotReturn]
    private void Corrupt(string detail) => throw new BadHeaderException($"channel \"{Name}\": corrupt ring: {detail}");

    private bool Take(bool view, out ReadOnlySpan<byte> record)
    {
        EnsureOpen();
        if (!_reader) AttachReader();
        ReleaseView();
        int off = NextFrame();
        if (off < 0)
        {
            record = default;
            return false;
        }
        int len = *(int*)(_ring + off);
        record = new ReadOnlySpan<byte>(_ring + off + FrameHeader, len);
        int next = _tail + FrameSize(len);
        if (view) _pendingTail = (uint)next;
        else _pendingTail = -1;
        return true;
    }

    /// <summary>The next record (a copy) if one is waiting; never sleeps.</summary>
    public byte[]? TryReceive()
    {
        lock (_gate)
        {
            if (!Take(false, out var r)) return null;
            var copy = r.ToArray();
            AdvanceTail(_tail + FrameSize(r.Length));
            return copy;
        }
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> (negative: no limit) for a record; a copy, or null on timeout.</summary>
    public byte[]? Receive(int timeoutMs = Timeout.Infinite)
    {
        lock (_gate)
        {
            if (!WaitAndTake(false, timeoutMs, CancellationToken.None, out var r)) return null;
            var copy = r.ToArray();
            AdvanceTail(_tail + FrameSize(r.Length));
            return copy;
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> (negative: no limit) for a record, then takes up to
    /// <paramref name="max"/> records that are there (copies, in order) with one update of the
    /// shared tail. Empty on timeout.
    /// </summary>
    public IReadOnlyList<byte[]> ReceiveMany(int max = 64, int timeoutMs = Timeout.Infinite)
    {
        if (max < 1) throw new TwinmapException(TwinmapErrorCode.InvalidArgument, $"ReceiveMany: max must be >= 1, got {max}");
        lock (_gate)
        {
            var list = new List<byte[]>(Math.Min(max, 64));
            EnsureOpen();
            if (!_reader) AttachReader();
            ReleaseView();
            TakeMany(list, max);
            if (list.Count > 0) return list;
            if (!WaitAndTake(false, timeoutMs, CancellationToken.None, out var first)) return list;
            list.Add(first.ToArray());
            _tail += FrameSize(first.Length);
            TakeMany(list, max);
            if (Volatile.Read(ref *Word(OffTail)) != _tail) AdvanceTail(_tail);
            return list;
        }
    }

    /// <summary>Copies the records that are there into <paramref name="list"/> (up to <paramref name="max"/> in all), then publishes tail once.</summary>
    private void TakeMany(List<byte[]> list, int max)
    {
        int before = _tail;
        try
        {
            while (list.Count < max)
            {
                int off = NextFrame(false);
                if (off < 0) break;
                int len = *(int*)(_ring + off);
                list.Add(new ReadOnlySpan<byte>(_ring + off + FrameHeader, len).ToArray());
                _tail += FrameSize(len);
            }
        }
        finally
        {
            if (_tail != before) AdvanceTail(_tail);
        }
    }

    /// <summary>
    /// Like <see cref="Receive"/>, but hands out a view into the ring: no copy, valid until the
    /// next receive or Dispose (writers cannot reuse its bytes until then). Single-threaded use.
    /// </summary>
    public bool TryReceiveView(int timeoutMs, out ReadOnlySpan<byte> record) => WaitAndTake(true, timeoutMs, CancellationToken.None, out record);

    private bool WaitAndTake(bool view, int timeoutMs, CancellationToken token, out ReadOnlySpan<byte> record)
    {
        // The common case of a busy channel: a record is there, no clock read.
        return Take(view, out record) || WaitSlow(view, timeoutMs, token, out record);
    }

    private bool WaitSlow(bool view, int timeoutMs, CancellationToken token, out ReadOnlySpan<byte> record)
    {
        long deadline = Deadline(timeoutMs);
        long budget = SpinBudget();
        long spinUntil = budget > 0 ? Stopwatch.GetTimestamp() + budget : 0;
        for (;;)
        {
            if (spinUntil > 0)
            {
                if (Stopwatch.GetTimestamp() < spinUntil)
                {
                    Thread.SpinWait(1);
                    if (Take(view, out record))
                    {
                        Spun(true);
                        return true;
                    }
                    continue;
                }
                Spun(false);
                spinUntil = 0;
            }
            token.ThrowIfCancellationRequested();
            int seq = Volatile.Read(ref *Word(OffDataSeq));
            Interlocked.Exchange(ref *Word(OffReaderWaiting), 1);
            if (Volatile.Read(ref *Word(OffHead)) == _tail)
            {
                int left = Left(deadline);
                if (left <= 0)
                {
                    record = default;
                    return false;
                }
                int slice = Math.Min(left, token.CanBeCanceled ? Math.Min(_peerCheckMs, 50) : _peerCheckMs);
                _futex.Wait(Word(OffDataSeq), seq, slice);
                ReapIfDue();
            }
            if (Take(view, out record)) return true;
        }
    }

    /// <summary>
    /// After a sleep: reaps dead writers at most once per PeerCheckMs. Reaping reads /proc for each
    /// writer (tens of µs); doing it after every wake-up doubled a sleeping round trip.
    /// </summary>
    private void ReapIfDue()
    {
        long now = Stopwatch.GetTimestamp();
        if (now - _lastReap < _peerCheckMs * Stopwatch.Frequency / 1000) return;
        _lastReap = now;
        ReapDeadWriters();
    }

    /// <summary>Waits for a record on a pool thread; a copy, or null on timeout.</summary>
    public Task<byte[]?> ReceiveAsync(int timeoutMs = Timeout.Infinite, CancellationToken cancellationToken = default)
    {
        var now = TryReceive();
        if (now is not null) return Task.FromResult<byte[]?>(now);
        return Task.Factory.StartNew(() =>
        {
            Interlocked.Increment(ref _busy);
            try
            {
                lock (_gate)
                {
                    if (!WaitAndTake(false, timeoutMs, cancellationToken, out var r)) return null;
                    var copy = r.ToArray();
                    AdvanceTail(_tail + FrameSize(r.Length));
                    return copy;
                }
            }
            finally
            {
                ReleaseBusy();
            }
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Receives records (copies) until cancelled or the channel is disposed.</summary>
    public async IAsyncEnumerable<byte[]> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (!_closed)
        {
            byte[]? r;
            try
            {
                r = await ReceiveAsync(_peerCheckMs, cancellationToken).ConfigureAwait(false);
            }
            catch (TwinmapException e) when (e.Code == TwinmapErrorCode.Closed)
            {
                yield break;
            }
            if (r is not null) yield return r;
        }
    }

    /// <summary>Starts a receive loop on a dedicated thread that raises <see cref="Received"/> for each record.</summary>
    public void StartReceiving()
    {
        EnsureOpen();
        lock (_gate)
        {
            if (_pump is not null) return;
            _pump = new CancellationTokenSource();
        }
        var token = _pump.Token;
        var thread = new Thread(() =>
        {
            Interlocked.Increment(ref _busy);
            try
            {
                while (!token.IsCancellationRequested && !_closed)
                {
                    byte[]? r;
                    lock (_gate)
                    {
                        if (!WaitAndTake(false, _peerCheckMs, token, out var span)) continue;
                        r = span.ToArray();
                        AdvanceTail(_tail + FrameSize(span.Length));
                    }
                    Received?.Invoke(this, new ChannelMessageEventArgs(r));
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (TwinmapException e) when (e.Code == TwinmapErrorCode.Closed)
            {
            }
            finally
            {
                ReleaseBusy();
            }
        })
        { IsBackground = true, Name = $"twinmap channel {Name}" };
        thread.Start();
    }

    /// <summary>Stops the loop started by <see cref="StartReceiving"/>.</summary>
    public void StopReceiving()
    {
        CancellationTokenSource? pump;
        lock (_gate)
        {
            pump = _pump;
            _pump = null;
        }
        pump?.Cancel();
    }

    private void ReleaseBusy()
    {
        if (Interlocked.Decrement(ref _busy) == 0 && _closed) _region.Dispose();
    }

    /// <summary>
    /// Closes this handle: a reader detaches (writers waiting for room get PEER_GONE), a writer
    /// frees its slot. Idempotent.
    /// </summary>
    public void Dispose()
    {
        if (_closed) return;
        _pump?.Cancel();
        if (_reader)
        {
            if (_pendingTail >= 0) AdvanceTail((int)_pendingTail);
            Volatile.Write(ref *(ulong*)(_base + OffReaderStart), 0UL);
            Interlocked.Exchange(ref *Word(OffReaderState), ReaderDetached);
            Interlocked.CompareExchange(ref *Word(OffReaderPid), 0, Environment.ProcessId);
            Interlocked.Increment(ref *Word(OffSpaceSeq));
            _futex.Wake(Word(OffSpaceSeq), 0);
        }
        if (_slot >= 0)
        {
            Volatile.Write(ref *SlotStart(_slot), 0UL);
            Interlocked.CompareExchange(ref *SlotPid(_slot), 0, Environment.ProcessId);
            _slot = -1;
        }
        // Count this call as busy too, so the mapping stays until the wakes below are done;
        // whoever leaves last (this call or a pending wait) unmaps.
        Interlocked.Increment(ref _busy);
        _closed = true;
        Interlocked.MemoryBarrier();
        _futex.Wake(Word(OffDataSeq), 0);
        _futex.Wake(Word(OffSpaceSeq), 0);
        _futex.Wake(Word(OffLock), 0);
        ReleaseBusy();
    }
}
