using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Twinmap;

// The writers' side: a record (or a batch) is framed into the ring under the write lock and
// published with one store of head; a reader asleep on data_seq is woken. The Node twin is
// ts/channel/send.ts.
public sealed unsafe partial class Channel
{
    private enum TryResult { Ok, Locked, Full }

    /// <summary>
    /// Sends one record, waiting up to <paramref name="timeoutMs"/> for room (negative: no limit).
    /// Throws TOO_LARGE, TIMEOUT, PEER_GONE (the reader closed or died), CLOSED; when it throws,
    /// nothing was published.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        long spinUntil = 0;
        bool maySpin = true; // once per stall: after progress, the next stall spins again
        while (i < records.Count)
        {
            int r = TryPublishMany(records, i);
            if (r > 0)
            {
                i += r;
                if (spinUntil > 0) Spun(true);
                spinUntil = 0;
                maySpin = true;
                continue;
            }
            if (!waited)
            {
                deadline = Deadline(timeoutMs);
                waited = true;
            }
            if (maySpin)
            {
                // Spin before sleeping, as Send does: a reader that keeps up frees room within
                // microseconds, while a sleeping writer is woken only once half the ring is free.
                maySpin = false;
                long budget = SpinBudget();
                if (budget > 0) spinUntil = Stopwatch.GetTimestamp() + budget;
            }
            if (spinUntil > 0)
            {
                if (Stopwatch.GetTimestamp() < spinUntil)
                {
                    Thread.SpinWait(1);
                    continue;
                }
                Spun(false);
                spinUntil = 0;
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
                    *(int*)(_ring + off + OffFrameKind) = KindWrap;
                    head += rest;
                    free -= rest;
                    off = 0;
                }
                if (free < size) break;
                *(int*)(_ring + off) = data.Length;
                *(int*)(_ring + off + OffFrameKind) = KindRecord;
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
                *(int*)(_ring + off + OffFrameKind) = KindWrap;
                head += rest;
                free -= rest;
                Interlocked.Exchange(ref *Word(OffHead), head);
                off = 0;
                WakeReader();
            }
            if (free < size) return TryResult.Full;
            *(int*)(_ring + off) = data.Length;
            *(int*)(_ring + off + OffFrameKind) = KindRecord;
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WakeReader()
    {
        if (Volatile.Read(ref *Word(OffReaderWaiting)) != 0)
        {
            Volatile.Write(ref *Word(OffReaderWaiting), 0);
            Interlocked.Increment(ref *Word(OffDataSeq));
            _futex.Wake(Word(OffDataSeq), 1);
        }
    }
}
