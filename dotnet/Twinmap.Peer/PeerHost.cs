using System.Reflection;

namespace Twinmap.Peer;

/// <summary>Finds the command named on the command line and runs it, reporting failures as JSON.</summary>
public static class PeerHost
{
    public static int Run(string[] args)
    {
        var io = new PeerIO(Console.Out, Console.In);
        var commands = Assembly.GetExecutingAssembly().GetTypes()
            .Where(t => typeof(IPeerCommand).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (IPeerCommand)Activator.CreateInstance(t)!)
            .ToDictionary(c => c.Name, StringComparer.Ordinal);

        if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
        {
            io.Emit("error", new { type = "UsageError", message = $"usage: Twinmap.Peer <{string.Join("|", commands.Keys.Order())}> [key=value ...]" });
            return 2;
        }

        try
        {
            return command.Run(PeerArgs.Parse(args.AsSpan(1)), io);
        }
        catch (Exception e)
        {
            // code: the TwinmapErrorCode of a twinmap error (what a test checks), else null
            io.Emit("error", new { type = e.GetType().Name, code = (e as TwinmapException)?.Code, message = e.Message });
            return 1;
        }
    }
}
