using System.IO.MemoryMappedFiles;

namespace Twinmap.Peer.Commands;

/// <summary>
/// mutex-count name=X (file=path | map=N) iterations=N [offset=0] [inside=spins] [userOnly=b] [sessionOnly=b]: N locked read-increment-write cycles on
/// an int32 counter in a file mapped the way an unmodified .NET app on Linux maps one
/// (<c>MemoryMappedFile.CreateFromFile</c>), or on Windows in a named map
/// (<c>MemoryMappedFile.OpenExisting</c>), under <c>new Mutex(false, name)</c>.
/// Reports "ready" {createdNew}, waits for a stdin line, then starts together with the test:
/// sets int32 @offset+4 to 1 and spins until the test sets @offset+8 to 1, so both loops overlap.
/// Counts, then reports "done" {abandoned, interleaved}: how often the counter had moved on since
/// this side's last write (proof that the two sides really took turns). Sets int32 @offset+12 to 1
/// when done. inside=K spins K times while holding the lock (a busier lock for the other side).
/// </summary>
public sealed class MutexCountCommand : IPeerCommand
{
    public string Name => "mutex-count";

    public int Run(PeerArgs args, PeerIO io)
    {
        string name = args.Get("name");
        int iterations = args.GetInt("iterations");
        long offset = args.GetLong("offset", 0);
        using var mutex = MutexPeer.Open(args, name, openExisting: false, out bool createdNew);
        // map=N (Windows): the named map an app there uses; a file opened by CreateFromFile is
        // not shared for writing on Windows (FileShare.Read), so two writers need a named map.
        using var file = args.Has("map")
#pragma warning disable CA1416 // map= is the Windows form; the tests pass it only there
            ? MemoryMappedFile.OpenExisting(args.Get("map"), MemoryMappedFileRights.ReadWrite)
#pragma warning restore CA1416
            : MemoryMappedFile.CreateFromFile(args.Get("file"), FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
        int inside = args.GetInt("inside", 0);
        using var view = file.CreateViewAccessor(offset, 16, MemoryMappedFileAccess.ReadWrite);
        io.Emit("ready", new { createdNew });
        io.WaitLine();
        view.Write(4, 1);
        var spin = System.Diagnostics.Stopwatch.StartNew();
        while (view.ReadInt32(8) != 1)
        {
            if (spin.ElapsedMilliseconds > 10_000) throw new TimeoutException("the test did not start counting");
            Thread.SpinWait(10);
        }
        int abandoned = 0, interleaved = 0, last = -1;
        for (int i = 0; i < iterations; i++)
        {
            try
            {
                mutex.WaitOne();
            }
            catch (AbandonedMutexException)
            {
                abandoned++;
            }
            int v = view.ReadInt32(0);
            if (last >= 0 && v != last) interleaved++;
            view.Write(0, v + 1);
            last = v + 1;
            if (inside > 0) Thread.SpinWait(inside);
            mutex.ReleaseMutex();
            // Work outside the lock, as real code has, so the two sides take turns (a futex waiter
            // wakes slower than an unlocker can relock).
            Thread.SpinWait(20);
            if (i % 1000 == 999) Thread.Sleep(1);
        }
        view.Write(12, 1);
        io.Emit("done", new { iterations, abandoned, interleaved });
        return 0;
    }
}
