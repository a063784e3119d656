namespace Twinmap.Peer.Commands;

/// <summary>
/// map-write (name=N | path=P) [create=1 size=S] [offset=O] data=HEX [hold=1]: opens (or creates)
/// the map as <see cref="MapPeer"/> says, writes the bytes with <c>accessor.WriteArray</c> (as a .NET app
/// does) and reports "written" {size}; with hold=1 keeps the map open until a stdin line, then
/// reports "closed".
/// </summary>
public sealed class MapWriteCommand : IPeerCommand
{
    public string Name => "map-write";

    public int Run(PeerArgs args, PeerIO io)
    {
        using (var map = MapPeer.Open(args, readOnly: false))
        {
            byte[] data = args.GetHex("data");
            long offset = args.GetLong("offset", 0);
            map.Accessor.WriteArray(offset, data, 0, data.Length);
            map.Accessor.Flush();
            io.Emit("written", new { size = map.Size, offset, length = data.Length, createdNew = map.CreatedNew });
            if (args.Get("hold", "0") == "1") io.WaitLine();
        }
        io.Emit("closed");
        return 0;
    }
}
