namespace BclApp;

/// <summary>
/// hold name=X [wait=1] [timeout=ms] [thread=1]: opens <c>new Mutex(false, name)</c> ("opened"
/// {createdNew}); with wait=1 waits for a stdin line first; then WaitOne(timeout) ("locked"
/// {result: acquired | abandoned | timeout}). With thread=1 the lock is taken on a thread that
/// then ends without releasing it ("thread-ended"). Then obeys stdin lines: "release"
/// (ReleaseMutex), "dispose" (Dispose, holding or not), "exit" (ends the process).
/// </summary>
internal static class HoldCommand
{
    public static int Run(Dictionary<string, string> o)
    {
        var mutex = new Mutex(false, o.Get("name"), out bool createdNew);
        Report.Emit("opened", new { createdNew });
        if (o.GetInt("wait", 0) == 1) Report.WaitLine();
        int timeout = o.GetInt("timeout", 10_000);
        if (o.GetInt("thread", 0) == 1)
        {
            var thread = new Thread(() => Report.Emit("locked", new { result = Wait(mutex, timeout) }));
            thread.Start();
            thread.Join();
            Report.Emit("thread-ended");
        }
        else
        {
            Report.Emit("locked", new { result = Wait(mutex, timeout) });
        }
        for (;;)
        {
            switch (Report.WaitLine())
            {
                case "release":
                    mutex.ReleaseMutex();
                    Report.Emit("released");
                    break;
                case "dispose":
                    mutex.Dispose();
                    Report.Emit("closed");
                    break;
                case "exit":
                    return 0;
            }
        }
    }

    private static string Wait(Mutex mutex, int timeoutMs)
    {
        try
        {
            return mutex.WaitOne(timeoutMs) ? "acquired" : "timeout";
        }
        catch (AbandonedMutexException)
        {
            return "abandoned"; // this thread owns it now, as .NET documents
        }
    }
}
