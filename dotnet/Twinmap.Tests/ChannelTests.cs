using System.Security.Cryptography;

namespace Twinmap.Tests;

// Channel and NamedEvent within one .NET 10 process (two handles on one name); the
// cross-process and cross-language checks are in interop-tests/channel-*.test.ts.
public sealed class ChannelTests : IDisposable
{
    private readonly List<string> _names = [];

    private string Unique()
    {
        var n = $"twinmap-xunit-ch-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}";
        _names.Add(n);
        return n;
    }

    public void Dispose()
    {
        foreach (var n in _names) Channel.Unlink(n);
    }

    [Fact]
    public void DeliversRecordsWholeAndInOrderAcrossWraps()
    {
        var name = Unique();
        using var rx = Channel.Create(name, new ChannelOptions { Capacity = 4096 });
        using var tx = Channel.Open(name);
        Assert.Equal(4096, tx.Capacity);
        int sent = 0, got = 0;
        int Size(int i) => i % 7 == 0 ? 2500 : i * 37 % 300;
        while (got < 3000)
        {
            while (sent < 3000)
            {
                var data = new byte[Size(sent)];
                Array.Fill(data, (byte)sent);
                if (!tx.TrySend(data)) break;
                sent++;
            }
            var r = rx.Receive(0);
            if (r is null) continue;
            Assert.Equal(Size(got), r.Length);
            Assert.All(r, b => Assert.Equal((byte)got, b));
            got++;
        }
        Assert.Null(rx.TryReceive());
    }

    [Fact]
    public void SendManyReceiveManyCrossWrapsWholeAndInOrderMixedWithSingleSends()
    {
        var name = Unique();
        using var rx = Channel.Create(name, new ChannelOptions { Capacity = 4096 });
        using var tx = Channel.Open(name);
        const int total = 4000;
        int Size(int i) => i % 11 == 0 ? 2000 : i * 53 % 400;
        byte[] Rec(int i)
        {
            var d = new byte[Size(i)];
            Array.Fill(d, (byte)i);
            return d;
        }
        int sent = 0, got = 0;
        while (got < total)
        {
            if (sent < total)
            {
                if (sent % 5 == 0) sent += tx.TrySend(Rec(sent)) ? 1 : 0;
                else
                {
                    var batch = Enumerable.Range(sent, Math.Min(7, total - sent)).Select(Rec).ToArray();
                    int n = tx.TrySendMany(batch);
                    Assert.InRange(n, 0, batch.Length);
                    sent += n;
                }
            }
            int max = got % 4 + 1;
            var rs = rx.ReceiveMany(max, 0);
            Assert.True(rs.Count <= max);
            foreach (var r in rs)
            {
                Assert.Equal(Size(got), r.Length);
                Assert.All(r, b => Assert.Equal((byte)got, b));
                got++;
            }
        }
        Assert.Empty(rx.ReceiveMany(8, 0));
    }

    [Fact]
    public void ReceiveViewsTakesAtMostMaxViewsPerCallAndLeavesTheRestForTheNext()
    {
        var name = Unique();
        using var rx = Channel.Create(name, new ChannelOptions { Capacity = 1 << 21 });
        using var tx = Channel.Open(name);
        // MaxViews + 1 records of 4 bytes (their index): 16-byte frames, about 1 MiB.
        int total = Channel.MaxViews + 1;
        tx.SendMany(Enumerable.Range(0, total).Select(BitConverter.GetBytes).ToArray(), timeoutMs: 5000);
        var capped = rx.ReceiveViews(int.MaxValue, 0);
        Assert.Equal(Channel.MaxViews, capped.Count);
        int got = 0;
        foreach (var v in capped) Assert.Equal(got++, BitConverter.ToInt32(v));
        var rest = rx.ReceiveViews(int.MaxValue, 0);
        Assert.Equal(1, rest.Count);
        Assert.Equal(Channel.MaxViews, BitConverter.ToInt32(rest[0]));
        Assert.Equal(0, rx.ReceiveViews(int.MaxValue, 0).Count);
    }

    [Fact]
    public void ReceiveViewsTakesBatchesAcrossWrapsAndHoldsTheirSpaceUntilTheNextReceive()
    {
        var name = Unique();
        using var rx = Channel.Create(name, new ChannelOptions { Capacity = 4096 });
        using var tx = Channel.Open(name);
        const int total = 3000;
        int Size(int i) => i % 13 == 0 ? 1500 : i * 37 % 300;
        byte[] Rec(int i)
        {
            var d = new byte[Size(i)];
            Array.Fill(d, (byte)i);
            return d;
        }
        int sent = 0, got = 0;
        while (got < total)
        {
            if (sent < total) sent += tx.TrySendMany(Enumerable.Range(sent, Math.Min(5, total - sent)).Select(Rec).ToArray());
            int max = got % 5 + 1;
            if (got % 3 == 0)
            {
                // Every third batch as copies: views and copies take turns on one reader.
                foreach (var r in rx.ReceiveMany(max, 0))
                {
                    Assert.Equal(Size(got), r.Length);
                    Assert.All(r, b => Assert.Equal((byte)got, b));
                    got++;
                }
                continue;
            }
            var views = rx.ReceiveViews(max, 0);
            Assert.True(views.Count <= max);
            foreach (var r in views)
            {
                Assert.Equal(Size(got), r.Length);
                Assert.Equal(-1, r.IndexOfAnyExcept((byte)got));
                got++;
            }
        }
        Assert.Equal(0, rx.ReceiveViews(8, 0).Count);
        // Views hold their space until the next receive (a fresh ring: 1312-byte frames from 0).
        var name2 = Unique();
        using var rx2 = Channel.Create(name2, new ChannelOptions { Capacity = 4096 });
        using var tx2 = Channel.Open(name2);
        byte[] Big(byte b) => Enumerable.Repeat(b, 1300).ToArray();
        Assert.Equal(2, tx2.TrySendMany([Big(1), Big(2)]));
        var held = rx2.ReceiveViews(8, 0);
        Assert.Equal(2, held.Count);
        Assert.Equal(1, tx2.TrySendMany([Big(3), Big(4), Big(5)])); // only 1472 bytes are free
        Assert.Equal(1, held[0][1299]); // still intact
        Assert.Equal(2, held[1][1299]);
        var next = rx2.ReceiveViews(8, 0); // releases the first two
        Assert.Equal(1, next.Count);
        Assert.Equal(3, next[0][0]);
        Assert.Equal(2, tx2.TrySendMany([Big(4), Big(5)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => rx2.ReceiveViews(8, 0)[2].Length); // two are there
        Assert.Equal(TwinmapErrorCode.InvalidArgument, Assert.Throws<TwinmapException>(() => rx.ReceiveViews(0, 0)).Code);
    }

    [Fact]
    public void SendManyTooLargeSendsNothingAndATimeoutNamesHowManyWereSent()
    {
        var name = Unique();
        using var rx = Channel.Create(name, new ChannelOptions { Capacity = 4096 });
        using var tx = Channel.Open(name);
        var e = Assert.Throws<TooLargeException>(() => tx.SendMany([[1], new byte[5000]]));
        Assert.Contains("records[1]", e.Message);
        Assert.Empty(rx.ReceiveMany(8, 0));
        Assert.Equal(TwinmapErrorCode.InvalidArgument, Assert.Throws<TwinmapException>(() => rx.ReceiveMany(0, 0)).Code);
        var batch = Enumerable.Range(0, 6).Select(i => Enumerable.Repeat((byte)i, 1000).ToArray()).ToArray();
        var t = Assert.Throws<TwinmapException>(() => tx.SendMany(batch, 20));
        Assert.Equal(TwinmapErrorCode.Timeout, t.Code);
        Assert.Contains("4 of the 6 records were sent", t.Message);
        Assert.Equal([0, 1, 2, 3], rx.ReceiveMany(64, 0).Select(r => (int)r[0]));
    }

    [Fact]
    public void SharedTailLagsByLessThanAnEighthOfTheRingAndIsStoredWhenAReceiveFindsNothingAndOnDispose()
    {
        var name = Unique();
        var rx = Channel.Create(name, new ChannelOptions { Capacity = 4096, SpinMicros = 0 }); // stores tail every 512 bytes
        using var tx = Channel.Open(name);
        int Tail() => System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(File.ReadAllBytes($"/dev/shm/{name}").AsSpan(128));
        for (int i = 0; i < 3; i++) tx.Send(Enumerable.Repeat((byte)i, 64).ToArray()); // 72-byte frames
        for (int i = 0; i < 3; i++) Assert.Equal(i, rx.Receive(0)![0]);
        Assert.Equal(0, Tail()); // 216 bytes taken, not yet handed back
        Assert.Null(rx.TryReceive());
        Assert.Equal(216, Tail());
        for (int i = 0; i < 8; i++) tx.Send(new byte[64]);
        for (int i = 0; i < 8; i++) Assert.True(rx.TryReceiveView(0, out _));
        Assert.Equal(216, Tail()); // 7 frames released (the 8th view is held): 504 < 512
        Assert.False(rx.TryReceiveView(0, out _)); // releases the 8th (576 >= 512), then finds nothing
        Assert.Equal(216 + 576, Tail());
        tx.Send(new byte[64]);
        Assert.Equal(64, rx.Receive(0)!.Length);
        Assert.Equal(792, Tail());
        rx.Dispose();
        Assert.Equal(864, Tail());
    }

    [Fact]
    public void ViewHoldsItsSpaceUntilTheNextReceive()
    {
        var name = Unique();
        using var rx = Channel.Create(name, new ChannelOptions { Capacity = 4096 });
        using var tx = Channel.Open(name);
        tx.Send(Enumerable.Repeat((byte)1, 3000).ToArray());
        Assert.True(rx.TryReceiveView(0, out var view));
        Assert.Equal(3000, view.Length);
        Assert.False(tx.TrySend(new byte[3000]));
        Assert.False(rx.TryReceiveView(0, out _)); // releases the view
        Assert.True(tx.TrySend(new byte[3000]));
    }

    [Fact]
    public void TooLargeTimeoutAndPeerGoneAreTypedErrors()
    {
        var name = Unique();
        using var rx = Channel.Create(name, new ChannelOptions { Capacity = 4096 });
        using var tx = Channel.Open(name);
        Assert.Equal(TwinmapErrorCode.TooLarge, Assert.Throws<TooLargeException>(() => tx.Send(new byte[4089])).Code);
        Assert.Null(rx.TryReceive()); // attach
        tx.Send(new byte[4000]);
        var e = Assert.Throws<Twinmap.TimeoutException>(() => tx.Send(new byte[200], 50));
        Assert.Equal(TwinmapErrorCode.Timeout, e.Code);
        rx.Dispose();
        Assert.Throws<PeerGoneException>(() => tx.Send(new byte[200], 50));
    }

    [Fact]
    public void GarbageHeaderIsBadHeader()
    {
        var name = Unique();
        File.WriteAllBytes($"/dev/shm/{name}", RandomNumberGenerator.GetBytes(1024 + 4096));
        var e = Assert.Throws<BadHeaderException>(() => Channel.Open(name));
        Assert.Contains("magic", e.Message);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void RegionLifecycleCreateOpenOrCreateUnlink()
    {
        // The region layer under Channel/NamedEvent (SharedRegion over SharedMap), on Linux.
        var name = Unique();
        var path = $"/dev/shm/{name}";
        Assert.Throws<NotFoundException>(() => Channel.Open(name));
        using var first = Channel.Create(name, new ChannelOptions { Capacity = 4096 });
        Assert.Equal(1024 + 4096, new FileInfo(path).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Throws<AlreadyExistsException>(() => Channel.Create(name));
        // OpenOrCreate on an existing channel takes its capacity from the header, whatever it asked for.
        using (var again = Channel.OpenOrCreate(name, new ChannelOptions { Capacity = 1 << 20 }))
            Assert.Equal(4096, again.Capacity);
        Assert.True(Channel.Unlink(name));
        Assert.False(Channel.Unlink(name));
        first.TrySend([1, 2, 3]); // still mapped after the unlink

        // A header whose magic is never published: the opener waits a little, then BAD_HEADER.
        var unpublished = Unique();
        File.WriteAllBytes($"/dev/shm/{unpublished}", new byte[64]);
        var e = Assert.Throws<BadHeaderException>(() => NamedEvent.Open(unpublished));
        Assert.Contains("magic 0x00000000", e.Message);

        var ev = NamedEvent.Create(Unique());
        ev.Dispose();
        Assert.Equal(TwinmapErrorCode.Closed, Assert.Throws<ClosedException>(() => ev.Set()).Code);
    }

    [Fact]
    public async Task ReceiveAsyncAndReceivedEvent()
    {
        var name = Unique();
        using var rx = Channel.Create(name, new ChannelOptions { Capacity = 8192 });
        using var tx = Channel.Open(name);
        var pending = rx.ReceiveAsync(5000);
        await Task.Delay(20);
        tx.Send([1, 2, 3]);
        Assert.Equal([1, 2, 3], await pending);
        var got = new List<byte>();
        var all = new TaskCompletionSource();
        rx.Received += (_, m) =>
        {
            lock (got)
            {
                got.Add(m.Data[0]);
                if (got.Count == 3) all.TrySetResult();
            }
        };
        rx.StartReceiving();
        for (byte i = 0; i < 3; i++) await tx.SendAsync(new[] { i }, 1000);
        await all.Task.WaitAsync(TimeSpan.FromSeconds(5));
        rx.StopReceiving();
        Assert.Equal([0, 1, 2], got);
    }

    [Fact]
    public async Task NamedEventAutoAndManualReset()
    {
        var name = Unique();
        using var ev = NamedEvent.Create(name);
        using var other = NamedEvent.Open(name);
        Assert.True(other.AutoReset);
        Assert.False(ev.Wait(0));
        ev.Set();
        Assert.True(other.Wait(100));
        Assert.False(ev.Wait(0));
        var pending = other.WaitAsync(5000);
        ev.Set();
        Assert.True(await pending);

        var manual = Unique();
        using var m = NamedEvent.Create(manual, new NamedEventOptions { AutoReset = false });
        m.Set();
        Assert.True(m.Wait(0));
        Assert.True(m.Wait(0));
        m.Reset();
        Assert.False(m.Wait(10));
    }
}
