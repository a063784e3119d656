using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Twinmap;

// The reader's side: attach as the one reader, take records (copies or views into the ring),
// move tail past them and wake writers waiting for room; sync, async and Received receive
// loops. Everything read from the ring is checked: a frame no writer could have written is
// BAD_HEADER. The Node twin is ts/channel/receive.ts.
// The methods a record passes through and the polling loop are compiled fully optimized at
// once (AggressiveOptimization, here and in Channel.Send.cs): under tiered compilation a busy
// pair ran its first ~10^5 records in unoptimized and instrumented code, with the re-JIT
// competing for the spinning core.
public sealed unsafe partial class Channel
{
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
        _tail = _seenHead = _publishedTail = Volatile.Read(ref *Word(OffTail));
        _reader = true;
    }

    /// <summary>On Dispose: a reader releases its view and detaches; writers waiting for room wake to PEER_GONE.</summary>
    private void DetachReader()
    {
        if (!_reader) return;
        if (_pendingTail >= 0) AdvanceTail((int)_pendingTail);
        FlushTail();
        Volatile.Write(ref *(ulong*)(_base + OffReaderStart), 0UL);
        Interlocked.Exchange(ref *Word(OffReaderState), ReaderDetached);
        Interlocked.CompareExchange(ref *Word(OffReaderPid), 0, Environment.ProcessId);
        Interlocked.Increment(ref *Word(OffSpaceSeq));
        _futex.Wake(Word(OffSpaceSeq), 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReleaseView()
    {
        if (_pendingTail >= 0)
        {
            AdvanceTail((int)_pendingTail);
            _pendingTail = -1;
        }
    }

    /// <summary>The most bytes a reader takes before it stores tail: min(Capacity / 8, this). docs/protocol/channel.md, "The reader".</summary>
    private const int TailBatchMax = 4096;

    /// <summary>
    /// Moves the reader past what it took. The shared tail is stored only once it lags by
    /// _tailBatch bytes (and by FlushTail, before a sleep, when a receive finds nothing, on
    /// Dispose): writers see less room meanwhile, never more, and the reader writes its line
    /// once per batch instead of once per record.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AdvanceTail(int t)
    {
        _tail = t;
        if ((uint)(t - _publishedTail) >= (uint)_tailBatch) PublishTail(t);
    }

    /// <summary>Stores the shared tail if this reader has taken bytes since it last did.</summary>
    private void FlushTail()
    {
        if (_reader && _tail != _publishedTail) PublishTail(_tail);
    }

    private void PublishTail(int t)
    {
        _publishedTail = t;
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
            int kind = *(int*)(_ring + off + OffFrameKind);
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
            _frameLen = (int)len;
            return off;
        }
    }

    [DoesNotReturn]
    private void Corrupt(string detail) => throw new BadHeaderException($"channel \"{Name}\": corrupt ring: {detail}");

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        int len = _frameLen;
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
            if (!Take(false, out var r))
            {
                FlushTail();
                return null;
            }
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
    /// <paramref name="max"/> records that are there (copies, in order) with at most one update of
    /// the shared tail. Empty on timeout.
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
            if (_publishedTail != _tail) AdvanceTail(_tail);
            return list;
        }
    }

    /// <summary>Copies the records that are there into <paramref name="list"/> (up to <paramref name="max"/> in all), then publishes tail once.</summary>
    private void TakeMany(List<byte[]> list, int max)
    {
        int before = _tail;
        try
        {
            TakeBatch(list, list.Count, max);
        }
        finally
        {
            if (_tail != before) AdvanceTail(_tail);
        }
    }

    /// <summary>The most records one <see cref="ReceiveViews"/> takes: 65,536.</summary>
    public const int MaxViews = 1 << 16;

    /// <summary>
    /// Like <see cref="ReceiveMany"/>, but hands out views into the ring instead of copies: waits
    /// up to <paramref name="timeoutMs"/> (negative: no limit) for a record, then takes up to
    /// <paramref name="max"/> records that are there, at most <see cref="MaxViews"/> (65,536) per
    /// call whatever <paramref name="max"/> says (the handle keeps each view's offset and length in
    /// an array it reuses; a larger <paramref name="max"/> takes 65,536 and leaves the rest for the
    /// next call). The views stay valid until the next receive or Dispose; tail moves past all of
    /// them once, at that next receive. Count 0 on timeout. Single-threaded use, as
    /// <see cref="TryReceiveView"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ChannelViews ReceiveViews(int max = 64, int timeoutMs = Timeout.Infinite)
    {
        if (max < 1) throw new TwinmapException(TwinmapErrorCode.InvalidArgument, $"ReceiveViews: max must be >= 1, got {max}");
        lock (_gate)
        {
            EnsureOpen();
            if (!_reader) AttachReader();
            ReleaseView();
            max = Math.Min(max, MaxViews);
            if (_frames.Length < 2 * max) _frames = new int[2 * max];
            int before = _tail;
            int n;
            try
            {
                n = TakeBatch(null, 0, max);
                if (n == 0)
                {
                    if (_tail != before) AdvanceTail(_tail); // wrap frames skipped: their room goes back now
                    if (!WaitAndTake(true, timeoutMs, CancellationToken.None, out var first)) return new ChannelViews(_ring, _frames, 0);
                    // The first record is a view at _tail (past any wrap frame): note it, then the rest.
                    _frames[0] = (_tail & _mask) + FrameHeader;
                    _frames[1] = first.Length;
                    _tail = (int)_pendingTail;
                    _pendingTail = -1;
                    n = TakeBatch(null, 1, max);
                }
            }
            catch (BadHeaderException)
            {
                // A corrupt frame after some records: they are taken (as ReceiveMany's are).
                if (_publishedTail != _tail) AdvanceTail(_tail);
                throw;
            }
            // Tail moves past what was taken at the next receive (or Dispose), as for a view.
            _pendingTail = (uint)_tail;
            return new ChannelViews(_ring, _frames, n);
        }
    }

    /// <summary>
    /// Takes the records that are there, from index <paramref name="n"/> up to <paramref name="max"/>
    /// in all: copies into <paramref name="copies"/>, or (null) views noted in <c>_frames</c>. Moves
    /// only this handle's tail (the callers publish it); returns the count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int TakeBatch(List<byte[]>? copies, int n, int max)
    {
        while (n < max)
        {
            int off = NextFrame(false);
            if (off < 0) break;
            int len = _frameLen;
            if (copies is null)
            {
                _frames[2 * n] = off + FrameHeader;
                _frames[2 * n + 1] = len;
            }
            else copies.Add(new ReadOnlySpan<byte>(_ring + off + FrameHeader, len).ToArray());
            _tail += FrameSize(len);
            n++;
        }
        return n;
    }

    /// <summary>
    /// Like <see cref="Receive"/>, but hands out a view into the ring: no copy, valid until the
    /// next receive or Dispose (writers cannot reuse its bytes until then). Single-threaded use.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryReceiveView(int timeoutMs, out ReadOnlySpan<byte> record) => WaitAndTake(true, timeoutMs, CancellationToken.None, out record);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool WaitAndTake(bool view, int timeoutMs, CancellationToken token, out ReadOnlySpan<byte> record)
    {
        // The common case of a busy channel: a record is there, no clock read.
        return Take(view, out record) || WaitSlow(view, timeoutMs, token, out record);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool WaitSlow(bool view, int timeoutMs, CancellationToken token, out ReadOnlySpan<byte> record)
    {
        // A peer that answers at once (a round trip) does so within a few polls: no clock read yet.
        if (_spinTicks > 0 && _spinSkip == 0)
        {
            for (int k = 0; k < 16; k++)
                if (Take(view, out record)) return true;
        }
        long deadline = Deadline(timeoutMs);
        long budget = SpinBudget();
        long spinUntil = budget > 0 ? Stopwatch.GetTimestamp() + budget : 0;
        for (;;)
        {
            if (spinUntil > 0)
            {
                if (Stopwatch.GetTimestamp() < spinUntil)
                {
                    // Several polls per clock read and no pause between them: a clock read costs
                    // about three polls and Thread.SpinWait(1) four, so one poll after both polled
                    // every ~80 ns where this polls every ~13 ns.
                    for (int k = 0; k < 8; k++)
                    {
                        if (Take(view, out record))
                        {
                            Spun(true);
                            return true;
                        }
                    }
                    continue;
                }
                Spun(false);
                spinUntil = 0;
            }
            token.ThrowIfCancellationRequested();
            FlushTail(); // writers may be waiting for the room this reader has not handed back yet
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
    public void StartReceiving() => StartReceiving(static r => r.ToArray(), r => Received?.Invoke(this, new ChannelMessageEventArgs(r)));

    /// <summary>What a receive loop keeps of a record, taken while the record is still in the ring.</summary>
    internal delegate T RecordReader<T>(ReadOnlySpan<byte> record);

    /// <summary>
    /// A receive loop on a dedicated thread: <paramref name="take"/> reads each record in place
    /// (under the handle's lock, before tail moves past it), <paramref name="deliver"/> gets what
    /// it returned after the record is released. The IPC server decodes its header this way and
    /// copies only the payload: one copy and no event object per record fewer than Received.
    /// </summary>
    internal void StartReceiving<T>(RecordReader<T> take, Action<T> deliver)
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
                    T r;
                    lock (_gate)
                    {
                        if (!WaitAndTake(false, _peerCheckMs, token, out var span)) continue;
                        try
                        {
                            r = take(span);
                        }
                        finally
                        {
                            AdvanceTail(_tail + FrameSize(span.Length));
                        }
                    }
                    deliver(r);
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
}
