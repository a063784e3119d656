using System.Diagnostics;
using Twinmap.Formats;
using H = Twinmap.Formats.ChannelHeaderLayout;

namespace Twinmap;

// This file holds the fields, opening, the header check and Dispose; the work is in
// Channel.Send.cs, Channel.Receive.cs, Channel.Peers.cs and Channel.Waiting.cs, named like
// the Node twin's send.ts, receive.ts, peers.ts and waiting.ts (whose shared state is state.ts).
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
public sealed unsafe partial class Channel : IDisposable
{
    // The magic, version, capacity bounds, writer slots and byte offsets come from the code
    // `twinmap gen` writes for formats/channel_header.ksy and record_frame.ksy (the spec is their
    // one source): `const`, so compiled in as the numbers.
    internal const uint Magic = H.MagicContentsLe; // "TMCH"
    internal const ushort Version = H.VersionValid;
    internal const int MinCapacity = (int)H.CapacityMin;
    internal const int MaxCapacity = (int)H.CapacityMax;
    internal const int WriterSlots = H.WritersCount;
    internal const int LockContended = unchecked((int)0x80000000);

    internal const int HeaderSize = H.SIZE;
    internal const int FrameHeader = RecordFrameLayout.Payload;
    // A frame on the ring: its length is the first word (RecordFrameLayout.Length = 0), its kind the word at OffFrameKind.
    private const int OffFrameKind = RecordFrameLayout.Kind;
    internal const int KindRecord = (int)FrameKind.Record;
    internal const int KindWrap = (int)FrameKind.Wrap;
    private const int OffMagic = H.Magic, OffVersion = H.Version, OffHeaderSize = H.HeaderSize, OffCapacity = H.Capacity;
    // Each hot word has its cache line to itself or shares it only with words the same side
    // writes (docs/protocol/channel.md, "Cache lines"): the writers' line, the reader's line, and a
    // line of waiter flags and reader identity that nobody writes while both sides are busy.
    private const int OffHead = H.Head, OffLock = H.WriteLock, OffTailCache = H.TailCache;
    private const int OffTail = H.Tail;
    private const int OffDataSeq = H.DataSeq, OffReaderWaiting = H.ReaderWaiting, OffSpaceSeq = H.SpaceSeq, OffWritersWaiting = H.WritersWaiting;
    private const int OffReaderState = H.ReaderState, OffReaderPid = H.ReaderPid, OffReaderStart = H.ReaderStart;
    private const int OffWriters = H.Writers, WriterSlotSize = WriterSlotLayout.SIZE;
    private const int OffSlotPid = WriterSlotLayout.Pid, OffSlotStart = WriterSlotLayout.Start;
    private const int ReaderNone = (int)ReaderState.None, ReaderAttached = (int)ReaderState.Attached, ReaderDetached = (int)ReaderState.Detached;

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
    private int _publishedTail; // the last value this reader stored to the shared tail (it lags _tail by less than _tailBatch)
    private readonly int _tailBatch;
    private long _pendingTail = -1;
    private int[] _frames = []; // ReceiveViews: payload offset and length per record taken
    private int _frameLen; // the checked payload length of the frame NextFrame returned: never re-read from the ring
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
        _tailBatch = Math.Min(Capacity >> 3, TailBatchMax);
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
    internal static int FrameSize(int payload) => (FrameHeader + payload + 7) & ~7;

    private void EnsureOpen()
    {
        if (_closed) throw new ClosedException($"channel \"{Name}\" is closed");
    }

    /// <summary>
    /// Closes this handle: a reader detaches (writers waiting for room get PEER_GONE), a writer
    /// frees its slot. Idempotent.
    /// </summary>
    public void Dispose()
    {
        if (_closed) return;
        _pump?.Cancel();
        DetachReader();
        ReleaseSlot();
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
