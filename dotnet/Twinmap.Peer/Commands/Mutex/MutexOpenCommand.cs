namespace Twinmap.Peer.Commands;

/// <summary>
/// mutex-open name=X: what <c>Mutex.OpenExisting</c> and <c>new Mutex(false, name)</c> say about a
/// name, e.g. a file with a bad header. Reports "result" {openExisting, create}, each "ok" or the
/// exception type name, then closes.
/// </summary>
public sealed class MutexOpenCommand : IPeerCommand
{
    public string Name => "mutex-open";

    public int Run(PeerArgs args, PeerIO io)
    {
        string name = args.Get("name");
        io.Emit("result", new
        {
            openExisting = Try(() => Mutex.OpenExisting(name).Dispose()),
            create = Try(() => new Mutex(false, name).Dispose()),
        });
        return 0;
    }

    private static string Try(Action action)
    {
        try
        {
            action();
            return "ok";
        }
        catch (Exception e)
        {
            return e.GetType().Name;
        }
    }
}
