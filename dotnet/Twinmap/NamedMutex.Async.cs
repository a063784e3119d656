namespace Twinmap;

// LockAsync: a .NET Mutex belongs to the thread that took it and must be released by that
// thread, but an async method resumes on any thread. So a lock taken by LockAsync is owned by
// this NamedMutex object and held by a dedicated owner thread: the thread waits for the mutex,
// completes the task, and sleeps until Unlock() (from whatever thread) tells it to release.
// The rules mirror the TypeScript lockAsync(), with the object in the role of the process.
public sealed partial class NamedMutex
{
    private readonly Lock _gate = new();
    private AsyncHold? _hold;    // the lock LockAsync took, while held
    private AsyncHold? _pending;  // a LockAsync whose owner thread is still waiting
    private int _syncOwner;      // managed thread id holding the lock through Lock() on this object
    private int _syncCount;      // its recursion depth
    private bool _disposed;
    private const int WaitSliceMs = 50; // how soon a cancel or Dispose ends a waiting LockAsync

    /// <summary>One LockAsync hold and the thread that owns the OS mutex for it.</summary>
    private sealed class AsyncHold
    {
        public readonly TaskCompletionSource<LockResult> Result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public volatile bool Stop;                                // ends a wait: disposed
        public readonly ManualResetEventSlim Done = new(false);   // ends a hold: release (or abandon)
        public int Count;
        public bool Abandon;
        public Thread? Thread;
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
    /// Each hold that is not a recursion starts a thread (LockAsync + Unlock: about 1 ms on a loaded
    /// 2-vCPU VM, against well under 1 µs for Lock + Unlock).
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

    /// <summary>Under _gate: starts the owner thread for a new hold.</summary>
    private Task<LockResult> StartHold(int timeoutMs, CancellationToken cancellationToken)
    {
        var hold = new AsyncHold();
        _pending = hold;
        hold.Thread = new Thread(() => Own(hold, timeoutMs, cancellationToken))
        {
            IsBackground = true,
            Name = $"twinmap mutex {Name}",
        };
        hold.Thread.Start();
        return hold.Result.Task;
    }

    /// <summary>The owner thread: wait, report, hold until Unlock (release) or Dispose (abandon).</summary>
    private void Own(AsyncHold hold, int timeoutMs, CancellationToken cancellationToken)
    {
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
            return;
        }
        bool owned = !stopped && r is LockResult.Acquired or LockResult.Abandoned;
        Exception? failure = null;
        lock (_gate)
        {
            _pending = null;
            if (_disposed) failure = new TwinmapException(TwinmapErrorCode.Closed, $"named mutex \"{Name}\" was closed while LockAsync waited");
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
            return;
        }
        hold.Result.TrySetResult(r);
        if (!owned) return;
        hold.Done.Wait();
        // Abandon: end the thread still owning it, which is what .NET calls abandoned.
        if (!hold.Abandon) _mutex.ReleaseMutex();
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
        ending.Thread!.Join(); // when Unlock returns, the lock is free
        ending.Done.Dispose();
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
        if (_disposed) throw new TwinmapException(TwinmapErrorCode.Closed, $"named mutex \"{Name}\" is closed");
    }

    /// <summary>Dispose's async half: stops a waiting LockAsync, abandons a held one, and waits for their threads.</summary>
    private void DisposeAsyncState()
    {
        AsyncHold? pending, held;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            pending = _pending;
            held = _hold;
            _hold = null;
        }
        if (pending is not null)
        {
            pending.Stop = true;
            pending.Thread!.Join();
        }
        if (held is not null)
        {
            held.Abandon = true;
            held.Done.Set();
            held.Thread!.Join();
        }
    }
}
