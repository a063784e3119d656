using System.Diagnostics;

namespace Twinmap.Tests;

// Liveness on Linux: pid + start time from /proc/<pid>/stat, read without allocating (a waiting
// channel side runs this 4 times a second for as long as it waits).
public class LivenessTests
{
    /// <summary>Field 3 and field 22 of a stat file, parsed the obvious (allocating) way, to compare with.</summary>
    private static (ulong Start, char State) Reference(int pid)
    {
        string text = File.ReadAllText($"/proc/{pid}/stat");
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (ulong.Parse(fields[19]), fields[0][0]);
    }

    [Fact]
    public void ReadStatOfThisProcessMatchesProc()
    {
        if (!OperatingSystem.IsLinux()) return;
        int pid = Environment.ProcessId;
        var stat = Liveness.ReadStat(pid);
        Assert.NotNull(stat);
        Assert.Equal(Reference(pid).Start, stat.Value.StartTime);
        Assert.Contains(stat.Value.State, "RSD"); // the main thread's state: running or sleeping
        Assert.Equal(stat.Value.StartTime, Liveness.SelfStartTime);
        Assert.True(Liveness.IsAlive(pid, stat.Value.StartTime));
        Assert.True(Liveness.IsAlive(pid, 0));
        Assert.False(Liveness.IsAlive(pid, stat.Value.StartTime + 1)); // same pid, another start: a reused pid
    }

    [Fact]
    public void MissingOrInvalidPidsAreDead()
    {
        Assert.Null(Liveness.ReadStat(int.MaxValue)); // above any pid_max
        Assert.Null(Liveness.ReadStat(0));
        Assert.Null(Liveness.ReadStat(-5));
        Assert.False(Liveness.IsAlive(int.MaxValue, 0));
        Assert.False(Liveness.IsAlive(0, 0));
    }

    [Fact]
    public void CommandNamesWithSpacesAndParenthesesDoNotShiftTheFields()
    {
        if (!OperatingSystem.IsLinux()) return;
        // comm is the executable's file name as exec'd: a symlink named like this puts ") (" into field 2.
        string dir = Path.Combine(Path.GetTempPath(), $"tm-liveness-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        string link = Path.Combine(dir, "a) (b) 1 2 3");
        File.CreateSymbolicLink(link, "/bin/sleep");
        using var child = Process.Start(new ProcessStartInfo(link, "30") { UseShellExecute = false })!;
        try
        {
            // The name is set by exec: wait (no time bound asserted) until the child has exec'd.
            string comm = "";
            for (int i = 0; i < 500 && !comm.StartsWith("a) (b)", StringComparison.Ordinal); i++)
            {
                Thread.Sleep(10);
                comm = File.ReadAllText($"/proc/{child.Id}/comm").Trim();
            }
            Assert.StartsWith("a) (b)", comm);
            var stat = Liveness.ReadStat(child.Id);
            Assert.NotNull(stat);
            var reference = Reference(child.Id);
            Assert.Equal(reference.Start, stat.Value.StartTime);
            Assert.Contains(stat.Value.State, "RS"); // sleep(1): sleeping, or still running its start-up
            Assert.True(Liveness.IsAlive(child.Id, stat.Value.StartTime));
            child.Kill();
            child.WaitForExit(); // reaped: the pid is gone
            Assert.False(Liveness.IsAlive(child.Id, stat.Value.StartTime));
        }
        finally
        {
            if (!child.HasExited) child.Kill();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AZombieIsDead()
    {
        if (!OperatingSystem.IsLinux()) return;
        // The shell starts a short sleep in the background, prints its pid, and becomes a long
        // sleep, which never reaps it: once the short one exits it stays a zombie. (The short one
        // must outlive the exec: a shell reaps a child that exits before it.)
        using var parent = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "sleep 0.5 & echo $!; exec sleep 30"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        try
        {
            int zombie = int.Parse(parent.StandardOutput.ReadLine()!);
            char state = '?';
            for (int i = 0; i < 1000 && state != 'Z'; i++)
            {
                state = Liveness.ReadStat(zombie)?.State ?? '?';
                if (state != 'Z') Thread.Sleep(10);
            }
            Assert.True(state == 'Z', $"pid {zombie}: state {state}, /proc says: {(File.Exists($"/proc/{zombie}/stat") ? File.ReadAllText($"/proc/{zombie}/stat") : "no such pid")}");
            Assert.False(Liveness.IsAlive(zombie, 0));
            Assert.False(Liveness.IsAlive(zombie, Liveness.ReadStat(zombie)!.Value.StartTime));
        }
        finally
        {
            parent.Kill();
            parent.WaitForExit();
        }
    }

    [Fact]
    public void PeerChecksDoNotAllocate()
    {
        if (!OperatingSystem.IsLinux()) return;
        int pid = Environment.ProcessId;
        ulong start = Liveness.SelfStartTime;
        for (int i = 0; i < 10; i++) Liveness.IsAlive(pid, start); // first calls may allocate (type set-up)
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) Assert.True(Liveness.IsAlive(pid, start));
        Assert.Null(Liveness.ReadStat(int.MaxValue));
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
