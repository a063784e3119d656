using System.IO.MemoryMappedFiles;

namespace BclApp;

/// <summary>
/// count name=X file=path iterations=N [inside=spins]: N locked read-increment-write cycles on
/// the int32 at offset 0 of a file mapped with CreateFromFile, spinning `inside` times between
/// the read and the write (work done under the lock: without exclusion, updates get lost). Reports "ready", waits for a stdin line, then
/// starts together with the other side: sets int32 @4 to 1 and waits until @8 is 1. Reports
/// "done" {abandoned, interleaved} (how often the other side had moved the counter since this
/// side's last write) and sets int32 @12 to 1.
/// </summary>
internal static class CountCommand
{
    public static int Run(Dictionary<string, string> o)
    {
        int iterations = o.GetInt("iterations", 5000);
        int inside = o.GetInt("inside", 0);
        using var mutex = new Mutex(false, o.Get("name"));
        using var file = MemoryMappedFile.CreateFromFile(o.Get("file"), FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
        using var view = file.CreateViewAccessor(0, 16, MemoryMappedFileAccess.ReadWrite);
        Report.Emit("ready");
        Report.WaitLine();
        view.Write(4, 1);
        var started = DateTime.UtcNow;
        while (view.ReadInt32(8) != 1)
        {
            if (DateTime.UtcNow - started > TimeSpan.FromSeconds(10)) throw new TimeoutException("the other side did not start counting");
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
            if (inside > 0) Thread.SpinWait(inside);
            view.Write(0, v + 1);
            last = v + 1;
            mutex.ReleaseMutex();
            // Work outside the lock, so the two sides take turns (a waiter wakes slower than the
            // unlocker can lock again).
            Thread.SpinWait(20);
            if (i % 250 == 249) Thread.Sleep(1);
        }
        view.Write(12, 1);
        Report.Emit("done", new { iterations, abandoned, interleaved });
        return 0;
    }
}
