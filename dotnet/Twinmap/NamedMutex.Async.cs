namespace Twinmap;

// LockAsync: a .NET Mutex belongs to the thread that took it and must be released by that
// thread, but an async method resumes on any thread. So a lock taken by LockAsync is owned by
// this NamedMutex object and held by a dedicated owner thread: the thread waits for the mutex,
// completes the task, and sleeps until Unlock() (from whatever thread) tells it to release.
// The thread serves this object's holds one after another and ends after a second without one
// (starting a thread per hold cost more than the hold itself).
// The rules mirror the TypeScript lockAsync(), with the object in the role of the process.
public sealed partial class NamedMutex
{
    private readonly Gate _gate = new();
    private AsyncHold? _hold;    // the lock LockAsync took, while held
    private AsyncHold? _pending;  // a LockAsync whose owner thread is still waiting
    private int _syncOwner;      // managed thread id holding the lock through Lock() on this object
    private int _syncCount;      // its recursion depth
    private bool _disposed;
    private const int WaitSliceMs = 50; // how soon a cancel or Dispose ends a waiting LockAsync
    private const int OwnerIdleMs = 1000; // how long an owner thread waits for the next hold before it ends
    private Thread? _owner;            // this object's owner thread, while it runs
    private AsyncHold? _next;          // a hold handed to it
    private SemaphoreSlim? _ownerWake; // signals _next (or Dispose) to a parked owner thread

    /// <summary>One LockAsync hold, served by the owner thread.</summary>
    private sealed class AsyncHold(int timeoutMs, CancellationToken cancellationToken)
    {
        public readonly int TimeoutMs = timeoutMs;
        public readonly CancellationToken Token = cancellationToken;
        public readonly TaskCompletionSource<LockResult> Result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public volatile bool Stop;                                  // ends a wait: disposed
        public readonly ManualResetEventSlim Done = new(false);     // ends a hold: release (or abandon)
        public readonly ManualResetEventSlim Released = new(false); // the owner thread has let go of it
        public int Count;
        public bool Abandon;
    }

    /// <summary>
    /// Waits for the lock without blocking the calling thread: completes with
    /// <see cref="LockResult.Acquired"/>, <see cref="LockResult.Abandoned"/> (taken; the previous
    /// owner died or closed while holding it) or <see cref="LockResult.Timeout"/> (not taken), and
    /// is cancelled (<see cref="OperationCanceledException"/>) if <paramref name="cancellationToken"/>
    /// fires first.
    /// </summary>
    /// <remarks>
    /// The lock belongs to this <see cref="NamedMutex"/> object, not to a thread: a dedicated
    /// thread holds it until <see cref="Unlock"/>, which may then be called from any thread. While
    /// the object holds it, <see cref="LockAsync"/>, <see cref="Lock(int)"/> and
    /// <see cref="TryLock"/> on the object count as recursion (each needs an Unlock), as the
    /// TypeScript side counts them for its process. Threads that must exclude each other use
    /// separate objects (cheap: the same name is the same lock). While a LockAsync waits, a
    /// blocking Lock on the object throws WOULD_DEADLOCK (TryLock gives Timeout); LockAsync from a
    /// thread that holds the object through Lock() throws WOULD_DEADLOCK (the owner thread could
    /// never get it while this thread awaits). Dispose while holding abandons the lock, like .NET.
    /// The owner thread serves the object's holds one after another and ends after a second without
    /// one; LockAsync + Unlock cost a few thread hand-offs (60-450 µs on a loaded 2-vCPU VM, against
    /// about 1 µs for Lock + Unlock).
    /// </remarks>
    public Task<LockResult> LockAsync(int timeoutMs = Timeout.Infinite, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeoutMs, Timeout.Infinite);
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<LockResult>(cancellationToken);
        AsyncHold? first;
        lock (_gate)
        {
            EnsureNotDisposed();
            if (_hold is { } held) return Task.FromResult(Recurse(held));
            if (_syncOwner == Environment.CurrentManagedThreadId)
                throw new TwinmapException(TwinmapErrorCode.WouldDeadlock,
                    $"LockAsync: this thread holds named mutex \"{Name}\" through Lock(); a LockAsync lock is held by another thread, which would wait for this one (unlock first, or use Lock() to recurse)");
            first = _pending;
            if (first is null) return StartHold(timeoutMs, cancellationToken);
        }
        // Another LockAsync is waiting: this object gets the lock once, then this call recurses.
        return AfterPending(first, timeoutMs, cancellationToken);
    }

    private async Task<LockResult> AfterPending(AsyncHold first, int timeoutMs, CancellationToken cancellationToken)
    {
        long started = Environment.TickCount64;
        try
        {
            await first.Result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // the first one failed or was cancelled: this one tries on its own
        }
        int left = timeoutMs < 0 ? Timeout.Infinite : (int)Math.Max(0, timeoutMs - (Environment.TickCount64 - started));
        return await LockAsync(left, cancellationToken).ConfigureAwait(false);
    }

    private static LockResult Recurse(AsyncHold hold)
    {
        if (hold.Count == int.MaxValue) throw new TwinmapException(TwinmapErrorCode.InvalidArgument, "too many recursive locks");
        hold.Count++;
        return LockResult.Acquired;
    }

    /// <summary>Under _gate: hands a new hold to the owner thread, starting one if none runs.</summary>
    private Task<LockResult> StartHold(int timeoutMs, CancellationToken cancellationToken)
    {
        var hold = new AsyncHold(timeoutMs, cancellationToken);
        _pending = hold;
        _next = hold;
        if (_owner is null)
        {
            _ownerWake ??= new SemaphoreSlim(0);
            _owner = new Thread(OwnerLoop) { IsBackground = true, Name = $"twinmap mutex {Name}" };
            _owner.Start();
        }
        else _ownerWake!.Release();
        return hold.Result.Task;
    }

    /// <summary>The owner thread: serves the holds handed to it; ends after OwnerIdleMs without one, or on Dispose.</summary>
    private void OwnerLoop()
    {
        bool idle = false;
        for (;;)
        {
            AsyncHold? hold;
            lock (_gate)
            {
                hold = _next;
                _next = null;
                if (hold is null && (idle || _disposed))
                {
                    _owner = null;
                    return; // after an abandoning Dispose this thread ends owning the mutex: that is the abandonment
                }
            }
            if (hold is null)
            {
                idle = !_ownerWake!.Wait(OwnerIdleMs);
                continue;
            }
            idle = false;
            Own(hold);
        }
    }

    /// <summary>One hold on the owner thread: wait, report, hold until Unlock (release) or Dispose (abandon).</summary>
    private void Own(AsyncHold hold)
    {
        int timeoutMs = hold.TimeoutMs;
        CancellationToken cancellationToken = hold.Token;
        LockResult r = LockResult.Timeout;
        bool stopped = false;
        try
        {
            // In slices: on Linux .NET cannot wait on a named mutex and an event at once
            // (WaitAny throws PlatformNotSupportedException), and a cancel or Dispose must end the wait.
            long deadline = timeoutMs < 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs;
            for (;;)
            {
                if (hold.Stop || cancellationToken.IsCancellationRequested)
                {
                    stopped = true;
                    break;
                }
                int wait = deadline == long.MaxValue ? WaitSliceMs : (int)Math.Clamp(deadline - Environment.TickCount64, 0, WaitSliceMs);
                if (_mutex.WaitOne(wait))
                {
                    r = LockResult.Acquired;
                    break;
                }
                if (Environment.TickCount64 >= deadline) break;
            }
        }
        catch (AbandonedMutexException)
        {
            r = LockResult.Abandoned; // this thread owns it now
        }
        catch (Exception e)
        {
            lock (_gate) _pending = null;
            hold.Result.TrySetException(e);
            hold.Released.Set();
            return;
        }
        bool owned = !stopped && r is LockResult.Acquired or LockResult.Abandoned;
        Exception? failure = null;
        lock (_gate)
        {
            _pending = null;
            if (_disposed) failure = new ClosedException($"named mutex \"{Name}\" was closed while LockAsync waited");
            else if (stopped) failure = new OperationCanceledException(cancellationToken);
            else if (owned)
            {
                hold.Count = 1;
                _hold = hold;
            }
        }
        if (failure is not null)
        {
            if (owned) _mutex.ReleaseMutex(); // closed while the result was on its way: give it back
            if (failure is OperationCanceledException) hold.Result.TrySetCanceled(cancellationToken);
            else hold.Result.TrySetException(failure);
            hold.Released.Set();
            return;
        }
        hold.Result.TrySetResult(r);
        if (owned)
        {
            hold.Done.Wait();
            // Abandon (Dispose): keep it; this thread then ends owning it, which .NET calls abandoned.
            if (!hold.Abandon) _mutex.ReleaseMutex();
        }
        hold.Released.Set();
    }

    /// <summary>Unlock's async half: true if this object's LockAsync hold took the unlock.</summary>
    private bool UnlockAsyncHold()
    {
        AsyncHold? ending;
        lock (_gate)
        {
            // The owner thread holds the OS mutex, so no other thread can hold it through Lock():
            // an unlock while the object holds an async lock is that lock's.
            if (_hold is not { } hold) return false;
            if (--hold.Count > 0) return true;
            _hold = null;
            ending = hold;
        }
        ending.Done.Set();
        ending.Released.Wait(); // when Unlock returns, the lock is free
        return true;
    }

    /// <summary>Lock's async half: a result if the object's async state decides it, else null (wait as usual).</summary>
    private LockResult? LockWithAsyncState(int timeoutMs)
    {
        lock (_gate)
        {
            EnsureNotDisposed();
            if (_syncOwner == Environment.CurrentManagedThreadId) return null; // plain recursion
            if (_hold is { } held) return Recurse(held);
            if (_pending is not null)
            {
                if (timeoutMs == 0) return LockResult.Timeout;
                throw new TwinmapException(TwinmapErrorCode.WouldDeadlock,
                    $"Lock: a LockAsync on named mutex \"{Name}\" is still waiting on this object; await it (a blocking Lock now could wait for itself)");
            }
            return null;
        }
    }

    private void EnsureNotDisposed()
    {
        if (_disposed) throw new ClosedException($"named mutex \"{Name}\" is closed");
    }

    /// <summary>Dispose's async half: stops a waiting LockAsync, abandons a held one, and waits for their threads.</summary>
    private void DisposeAsyncState()
    {
        AsyncHold? pending, held;
        Thread? owner;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            pending = _pending;
            held = _hold;
            _hold = null;
            owner = _owner;
        }
        if (pending is not null) pending.Stop = true;
        if (held is not null)
        {
            held.Abandon = true;
            held.Done.Set();
        }
        if (owner is null) return;
        _ownerWake!.Release(); // a parked owner thread wakes, sees Dispose, and ends
        owner.Join(); // the mutex handle is closed only once nothing waits on it
    }
}
