using Twinmap.Formats;
using Twinmap.Tests.Gallery;

namespace Twinmap.Tests;

// A spec written by someone else: the Kaitai gallery's ICMP packet (CC0-1.0,
// ts/gen/fixtures/gallery/icmp_packet.ksy), generated into Gallery/ by `npm run gen`.
public class GalleryTests
{
    [Fact]
    public void IcmpEchoRoundTripsInNetworkByteOrder()
    {
        var packet = new IcmpPacket
        {
            IcmpType = IcmpTypeEnum.Echo,
            Echo = new EchoMsg { Checksum = 0xf7ff, Identifier = 0x1234, SeqNum = 1 },
        };
        byte[] bytes = packet.Encode();
        Assert.Equal(new byte[] { 8, 0, 0xf7, 0xff, 0x12, 0x34, 0, 1 }, bytes);
        var back = IcmpPacket.Decode(bytes);
        Assert.Equal(IcmpTypeEnum.Echo, back.IcmpType);
        Assert.Null(back.DestinationUnreachable);
        Assert.Equal(0x1234, back.Echo!.Identifier);
    }

    [Fact]
    public void IcmpBadContentsIsADecodeException()
    {
        var e = Assert.Throws<DecodeException>(() => IcmpPacket.Decode(new byte[] { 8, 1, 0, 0, 0, 0, 0, 0 }));
        Assert.Equal("IcmpPacket.echo.code", e.FieldPath);
        Assert.Equal(1, e.Offset);
    }
}
