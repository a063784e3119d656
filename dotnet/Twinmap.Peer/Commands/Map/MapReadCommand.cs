namespace Twinmap.Peer.Commands;

/// <summary>
/// map-read (name=N | path=P) [offset=O] length=L [readOnly=1] [step=1]: opens the map as
/// <see cref="MapPeer"/> says (readOnly=1: read access only, like a .NET app that only reads), reports
/// "opened" {size}; with step=1 waits for a stdin line; then reads L bytes at O with
/// <c>accessor.ReadArray</c> and reports "read" {hex, count, size} (ReadArray reads only up to the end of the view).
/// </summary>
public sealed class MapReadCommand : IPeerCommand
{
    public string Name => "map-read";

    public int Run(PeerArgs args, PeerIO io)
    {
        using var map = MapPeer.Open(args, readOnly: args.Get("readOnly", "0") == "1");
        io.Emit("opened", new { size = map.Size, capacity = map.Accessor.Capacity });
        if (args.Get("step", "0") == "1") io.WaitLine();
        long offset = args.GetLong("offset", 0);
        var bytes = new byte[args.GetInt("length")];
        int count = map.Accessor.ReadArray(offset, bytes, 0, bytes.Length); // the BCL stops at the view's end
        io.Emit("read", new { hex = Convert.ToHexString(bytes.AsSpan(0, count)).ToLowerInvariant(), count, size = map.Size });
        return 0;
    }
}
