namespace Twinmap.Tests;

// NamedMutex.LockAsync: the lock belongs to the object and is held by an owner thread, so an
// await may resume anywhere and Unlock still releases it. Node <-> .NET: interop-tests/mutex-async.test.ts.
public class NamedMutexAsyncTests
{
    private static string Unique(string tag) => $"tm-cs-async-{tag}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    /// <summary>Another thread with its own NamedMutex object: locks, then unlocks or ends holding it (abandons).</summary>
    private sealed class Holder : IDisposable
    {
        private readonly ManualResetEventSlim _locked = new();
        private readonly ManualResetEventSlim _go = new();
        private readonly Thread _thread;
        private bool _abandon;

        public Holder(string name)
        {
            _thread = new Thread(() =>
            {
                var m = NamedMutex.OpenOrCreate(name); // not disposed when abandoning: the thread's end abandons it
                m.Lock();
                _locked.Set();
                _go.Wait();
                if (_abandon) return;
                m.Unlock();
                m.Dispose();
            });
            _thread.Start();
            _locked.Wait();
        }

        public void Release() => End(false);

        public void Abandon() => End(true);

        private void End(bool abandon)
        {
            _abandon = abandon;
            _go.Set();
            _thread.Join();
        }

        public void Dispose()
        {
            if (_thread.IsAlive) Release();
        }
    }

    /// <summary>Whether some other thread (with its own object) could take the lock now.</summary>
    private static LockResult TryFromAnotherThread(string name)
    {
        LockResult r = LockResult.Timeout;
        Exception? failure = null;
        var t = new Thread(() =>
        {
            try
            {
                using var m = NamedMutex.OpenOrCreate(name);
                r = m.TryLock();
                if (r != LockResult.Timeout) m.Unlock();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        t.Start();
        t.Join();
        if (failure is not null) throw new InvalidOperationException("TryLock on another thread failed", failure);
        return r;
    }

    [Fact]
    public async Task LockAsyncTakesAFreeLockAndAnyThreadMayUnlockIt()
    {
        string name = Unique("free");
        using var m = NamedMutex.OpenOrCreate(name);
        Assert.Equal(LockResult.Acquired, await m.LockAsync());
        Assert.Equal(LockResult.Timeout, TryFromAnotherThread(name)); // held, by the object's owner thread
        await Task.Run(m.Unlock); // a thread other than the one that called LockAsync
        Assert.Equal(LockResult.Acquired, TryFromAnotherThread(name));
        Assert.Throws<NotOwnerException>(m.Unlock);
    }

    [Fact]
    public async Task LockAsyncWaitsForAnotherThreadThenGetsIt()
    {
        string name = Unique("wait");
        using var m = NamedMutex.OpenOrCreate(name);
        using var holder = new Holder(name);
        var pending = m.LockAsync(60_000);
        Assert.False(pending.IsCompleted); // cannot complete while the holder holds it
        holder.Release();
        Assert.Equal(LockResult.Acquired, await pending);
        Assert.Equal(LockResult.Timeout, TryFromAnotherThread(name));
        m.Unlock();
        Assert.Equal(LockResult.Acquired, TryFromAnotherThread(name));
    }

    [Fact]
    public async Task LockAsyncTimesOutWithoutTakingIt()
    {
        string name = Unique("timeout");
        using var m = NamedMutex.OpenOrCreate(name);
        using var holder = new Holder(name);
        Assert.Equal(LockResult.Timeout, await m.LockAsync(100));
        Assert.Equal(LockResult.Timeout, await m.LockAsync(0));
        Assert.Throws<NotOwnerException>(m.Unlock);
        holder.Release();
        Assert.Equal(LockResult.Acquired, TryFromAnotherThread(name));
    }

    [Fact]
    public async Task CancellingAWaitingLockAsyncCancelsItsTaskAndLeavesTheLockAlone()
    {
        string name = Unique("cancel");
        using var m = NamedMutex.OpenOrCreate(name);
        using var holder = new Holder(name);
        using var cts = new CancellationTokenSource();
        var pending = m.LockAsync(Timeout.Infinite, cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        holder.Release();
        Assert.Equal(LockResult.Acquired, TryFromAnotherThread(name));
        Assert.Throws<NotOwnerException>(m.Unlock);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => m.LockAsync(1000, cts.Token)); // already cancelled
    }

    [Fact]
    public async Task LockAsyncReportsAbandonedOnceWhenTheOwnerThreadEndedHoldingIt()
    {
        string name = Unique("abandoned");
        using var m = NamedMutex.OpenOrCreate(name);
        var holder = new Holder(name);
        var pending = m.LockAsync(60_000);
        holder.Abandon();
        Assert.Equal(LockResult.Abandoned, await pending);
        m.Unlock();
        Assert.Equal(LockResult.Acquired, await m.LockAsync(60_000));
        m.Unlock();
    }

    [Fact]
    public async Task DisposingWhileLockAsyncHoldsItAbandonsIt()
    {
        string name = Unique("dispose-held");
        using var other = NamedMutex.OpenOrCreate(name); // keeps the name alive
        var m = NamedMutex.Open(name);
        Assert.Equal(LockResult.Acquired, await m.LockAsync());
        m.Dispose();
        LockResult r = LockResult.Timeout;
        var t = new Thread(() =>
        {
            r = other.Lock(60_000);
            other.Unlock();
        });
        t.Start();
        t.Join();
        Assert.Equal(LockResult.Abandoned, r);
        Assert.Equal(TwinmapErrorCode.Closed, (await Assert.ThrowsAsync<ClosedException>(() => m.LockAsync())).Code);
    }

    [Fact]
    public async Task HoldsAfterHoldsAndAfterTheOwnerThreadIdledOutBehaveTheSame()
    {
        string name = Unique("reuse");
        using var other = NamedMutex.OpenOrCreate(name);
        var m = NamedMutex.Open(name);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(LockResult.Acquired, await m.LockAsync());
            Assert.Equal(LockResult.Timeout, TryFromAnotherThread(name));
            await Task.Run(m.Unlock);
            Assert.Equal(LockResult.Acquired, TryFromAnotherThread(name));
        }
        Thread.Sleep(1500); // longer than the owner thread waits for a next hold: a new one starts
        Assert.Equal(LockResult.Acquired, await m.LockAsync());
        m.Unlock();
        // A reused owner thread still abandons the lock when the object is disposed while holding.
        Assert.Equal(LockResult.Acquired, await m.LockAsync());
        m.Dispose();
        LockResult r = LockResult.Timeout;
        var t = new Thread(() =>
        {
            r = other.Lock(60_000);
            other.Unlock();
        });
        t.Start();
        t.Join();
        Assert.Equal(LockResult.Abandoned, r);
    }

    [Fact]
    public async Task DisposingWhileLockAsyncWaitsFailsItWithClosed()
    {
        string name = Unique("dispose-wait");
        var m = NamedMutex.OpenOrCreate(name);
        using var holder = new Holder(name);
        var pending = m.LockAsync();
        m.Dispose();
        var e = await Assert.ThrowsAsync<ClosedException>(() => pending);
        Assert.Equal(TwinmapErrorCode.Closed, e.Code);
        holder.Release();
        Assert.Equal(LockResult.Acquired, TryFromAnotherThread(name));
    }

    [Fact]
    public async Task TheObjectOwnsALockAsyncLockSoItsLocksRecurse()
    {
        string name = Unique("recurse");
        using var m = NamedMutex.OpenOrCreate(name);
        Assert.Equal(LockResult.Acquired, await m.LockAsync());
        Assert.Equal(LockResult.Acquired, await m.LockAsync());
        Assert.Equal(LockResult.Acquired, await Task.Run(() => m.Lock()));
        Assert.Equal(LockResult.Acquired, m.TryLock());
        for (int i = 0; i < 3; i++)
        {
            m.Unlock();
            Assert.Equal(LockResult.Timeout, TryFromAnotherThread(name)); // still held until the last unlock
        }
        await Task.Run(m.Unlock);
        Assert.Equal(LockResult.Acquired, TryFromAnotherThread(name));
        Assert.Throws<NotOwnerException>(m.Unlock);
    }

    [Fact]
    public async Task TwoLockAsyncsWaitingOnOneObjectGetItOnceAndRecurse()
    {
        string name = Unique("two");
        using var m = NamedMutex.OpenOrCreate(name);
        using var holder = new Holder(name);
        var a = m.LockAsync();
        var b = m.LockAsync();
        holder.Release();
        Assert.Equal(LockResult.Acquired, await a);
        Assert.Equal(LockResult.Acquired, await b);
        m.Unlock();
        Assert.Equal(LockResult.Timeout, TryFromAnotherThread(name));
        m.Unlock();
        Assert.Equal(LockResult.Acquired, TryFromAnotherThread(name));
    }

    [Fact]
    public async Task MixingThatWouldWaitForItselfIsRefused()
    {
        string name = Unique("deadlock");
        using var m = NamedMutex.OpenOrCreate(name);
        using (var holder = new Holder(name))
        {
            var pending = m.LockAsync();
            // A blocking Lock while this object's LockAsync waits: refused; TryLock just says Timeout.
            Assert.Equal(TwinmapErrorCode.WouldDeadlock, Assert.Throws<TwinmapException>(() => m.Lock()).Code);
            Assert.Equal(LockResult.Timeout, m.TryLock());
            holder.Release();
            Assert.Equal(LockResult.Acquired, await pending);
            m.Unlock();
        }
        // This thread holds it through Lock(): a LockAsync (another thread's hold) would wait for it.
        Exception? failure = null;
        var t = new Thread(() =>
        {
            try
            {
                Assert.Equal(LockResult.Acquired, m.Lock());
                Assert.Equal(TwinmapErrorCode.WouldDeadlock, Assert.Throws<TwinmapException>(() => { _ = m.LockAsync(); }).Code); // thrown at the call
                m.Unlock();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        t.Start();
        t.Join();
        Assert.Null(failure);
        Assert.Equal(LockResult.Acquired, await m.LockAsync());
        m.Unlock();
    }

    [Fact]
    public void BadTimeoutsAreRefused()
    {
        using var m = NamedMutex.OpenOrCreate(Unique("args"));
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = m.LockAsync(-2); }); // at the call, .NET's argument style
    }
}
