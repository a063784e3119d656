using System.Security.Cryptography;
using System.Text;

namespace Twinmap.Tests;

// IpcClient against an IpcServer in the same process, and against a bare channel that reads
// requests and never answers (for timeouts, cancellation and a server that goes away). The
// cross-language and cross-process checks are in interop-tests/ipc.test.ts.
public sealed class IpcClientTests : IDisposable
{
    private readonly List<string> _names = [];

    private string Unique()
    {
        var n = $"twinmap-xunit-ipc-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}";
        _names.Add(n);
        return n;
    }

    public void Dispose()
    {
        foreach (var n in _names) Channel.Unlink(n);
    }

    [Fact]
    public async Task EachRequestGetsItsOwnResponseAndHandlerErrorsComeBackAsRemote()
    {
        using var server = new IpcServer(Unique());
        server.RequestHandler = m => m.Text == "fail" ? throw new InvalidOperationException("refused") : [.. "ok:"u8, .. m.Data];
        server.Start();
        using var client = IpcClient.Connect(server.Name);
        async Task Worker(int w)
        {
            for (int i = 0; i < 500; i++)
            {
                var req = Encoding.UTF8.GetBytes($"{w}:{i}");
                var resp = await client.RequestAsync(req, 10_000);
                Assert.Equal($"ok:{w}:{i}", Encoding.UTF8.GetString(resp));
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(() => Worker(w))));
        // A large request (framed on the heap, not the stack) and an empty one.
        var big = new byte[100_000];
        RandomNumberGenerator.Fill(big);
        var bigBack = await client.RequestAsync(big);
        Assert.Equal([.. "ok:"u8, .. big], bigBack);
        Assert.Equal("ok:"u8.ToArray(), await client.RequestAsync(Array.Empty<byte>()));
        var e = await Assert.ThrowsAnyAsync<TwinmapException>(() => client.RequestAsync("fail"u8.ToArray()));
        Assert.Equal(TwinmapErrorCode.Remote, e.Code);
        Assert.Contains("refused", e.Message);
    }

    /// <summary>A "server" that is only the server's channel: it takes records and never answers.</summary>
    private static (Channel Server, IpcClient Client) Silent(string name)
    {
        var server = Channel.Create(name);
        server.Attach();
        var client = IpcClient.Connect(name);
        return (server, client);
    }

    [Fact]
    public async Task ARequestNobodyAnswersTimesOut()
    {
        var (server, client) = Silent(Unique());
        using (server)
        using (client)
        {
            var e = await Assert.ThrowsAsync<TimeoutException>(() => client.RequestAsync("x"u8.ToArray(), 300));
            Assert.Equal(TwinmapErrorCode.Timeout, e.Code);
            Assert.Contains("within 300 ms", e.Message);
            // The request did go out (hello first, then the request).
            Assert.NotNull(server.TryReceive());
            Assert.NotNull(server.TryReceive());
        }
    }

    [Fact]
    public async Task ARequestIsCancelledByItsToken()
    {
        var (server, client) = Silent(Unique());
        using (server)
        using (client)
        {
            using var cts = new CancellationTokenSource();
            var pending = client.RequestAsync("x"u8.ToArray(), 60_000, cts.Token);
            Assert.False(pending.IsCompleted);
            cts.Cancel();
            var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
            Assert.Equal(cts.Token, e.CancellationToken);
            // An already cancelled token: cancelled at once, nothing sent.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.RequestAsync("y"u8.ToArray(), 60_000, cts.Token));
        }
    }

    [Fact]
    public async Task AServerThatGoesAwayFailsItsPendingRequestsWithPeerGone()
    {
        var (server, client) = Silent(Unique());
        using (client)
        {
            var pending = client.RequestAsync("x"u8.ToArray(), 60_000);
            await Task.Delay(50);
            Assert.False(pending.IsCompleted);
            server.Dispose(); // the reader detaches, as when the server's process ends
            var e = await Assert.ThrowsAsync<PeerGoneException>(() => pending);
            Assert.Contains("is gone", e.Message);
        }
    }

    [Fact]
    public async Task DisposeFailsPendingRequestsWithClosedAndLaterRequestsToo()
    {
        var (server, client) = Silent(Unique());
        using (server)
        {
            var pending = client.RequestAsync("x"u8.ToArray(), 60_000);
            client.Dispose();
            await Assert.ThrowsAsync<ClosedException>(() => pending);
            await Assert.ThrowsAsync<ClosedException>(() => client.RequestAsync("y"u8.ToArray()));
        }
    }
}
