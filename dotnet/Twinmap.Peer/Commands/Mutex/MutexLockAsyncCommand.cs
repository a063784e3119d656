namespace Twinmap.Peer.Commands;

/// <summary>
/// mutex-lock-async name=X [timeout=ms]: the C# NamedMutex.LockAsync against another process.
/// Opens the mutex (OpenOrCreate), starts LockAsync and reports "waiting" (with whether it had
/// already completed), then "locked" with acquired | abandoned | timeout. Holds it until a stdin
/// line, then unlocks it from a pool thread (not the one that called LockAsync) and reports
/// "released"; closes after one more line ("closed").
/// </summary>
public sealed class MutexLockAsyncCommand : IPeerCommand
{
    public string Name => "mutex-lock-async";

    public int Run(PeerArgs args, PeerIO io) => RunAsync(args, io).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(PeerArgs args, PeerIO io)
    {
        using var mutex = NamedMutex.OpenOrCreate(args.Get("name"));
        var pending = mutex.LockAsync(args.GetInt("timeout", -1));
        io.Emit("waiting", new { completed = pending.IsCompleted, pid = Environment.ProcessId });
        var result = await pending.ConfigureAwait(false);
        io.Emit("locked", new { result = result.ToString().ToLowerInvariant() });
        io.WaitLine();
        if (result != LockResult.Timeout)
        {
            await Task.Run(mutex.Unlock).ConfigureAwait(false);
            io.Emit("released");
        }
        io.WaitLine();
        io.Emit("closed");
        return 0;
    }
}
