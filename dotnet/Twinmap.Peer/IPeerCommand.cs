namespace Twinmap.Peer;

/// <summary>One thing the Peer can be asked to do. Implementations are found by reflection.</summary>
public interface IPeerCommand
{
    /// <summary>The first command-line word that selects this command, e.g. "mutex-hold".</summary>
    string Name { get; }

    /// <summary>Runs the command; the return value is the process exit code.</summary>
    int Run(PeerArgs args, PeerIO io);
}
