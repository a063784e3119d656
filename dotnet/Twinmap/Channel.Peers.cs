using System.Diagnostics;

namespace Twinmap;

// The processes on the other side: writer slots (claim, liveness, reaping a writer that died,
// releasing the write lock it held) and the reader's identity as writers see it. The Node twin
// is ts/channel/peers.ts.
public sealed unsafe partial class Channel
{
    private int* SlotPid(int slot) => Word(OffWriters + slot * WriterSlotSize);

    private ulong* SlotStart(int slot) => (ulong*)(_base + OffWriters + slot * WriterSlotSize + 8);

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

    /// <summary>On Dispose: frees this handle's writer slot.</summary>
    private void ReleaseSlot()
    {
        if (_slot < 0) return;
        Volatile.Write(ref *SlotStart(_slot), 0UL);
        Interlocked.CompareExchange(ref *SlotPid(_slot), 0, Environment.ProcessId);
        _slot = -1;
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
}
