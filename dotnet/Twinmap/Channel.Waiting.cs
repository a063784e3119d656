namespace Twinmap;

// How a channel handle waits: deadlines, adaptive spinning, a writer's sleep on the write lock
// or for room, and the count of waits on pool threads that keeps the mapping alive past
// Dispose. The Node twin is ts/channel/waiting.ts.
public sealed unsafe partial class Channel
{
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

    private void ReleaseBusy()
    {
        if (Interlocked.Decrement(ref _busy) == 0 && _closed) _region.Dispose();
    }
}
