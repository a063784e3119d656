namespace Twinmap.Peer.Commands;

/// <summary>
/// liveness pid=P start=S: what this process records about itself in a channel header (pid,
/// <see cref="Liveness.SelfStartTime"/>) and what <see cref="Liveness.IsAlive"/> says of the
/// process P that recorded start time S (and of P with S + 1, a reused pid); reports "ready"
/// {pid, startTime, alive, aliveOtherStart}, then stays alive until a stdin line.
/// </summary>
public sealed class LivenessCommand : IPeerCommand
{
    public string Name => "liveness";

    public int Run(PeerArgs args, PeerIO io)
    {
        int pid = args.GetInt("pid");
        ulong start = (ulong)args.GetLong("start");
        io.Emit("ready", new
        {
            pid = Environment.ProcessId,
            startTime = Liveness.SelfStartTime,
            alive = Liveness.IsAlive(pid, start),
            aliveOtherStart = Liveness.IsAlive(pid, start + 1),
        });
        io.WaitLine();
        return 0;
    }
}
