using System.Collections.Concurrent;
using System.IO.Pipes;
using System.Text;
using System.Runtime.CompilerServices;

namespace Twinmap;

/// <summary>
/// A typical IPC server interface (Start, Stop, a Received event) plus request → response, over twinmap
/// channels: clients write into the server's channel <see cref="Name"/>; each client reads
/// replies from a channel of its own, named in its hello (formats/ipc_message.ksy). The same
/// protocol as ts/ipc/server.ts, so Node clients and .NET clients are served alike.
/// </summary>
public sealed class IpcServer(string name, IpcOptions? options = null) : IDisposable
{
    private readonly IpcOptions _options = options ?? new();
    private readonly ConcurrentDictionary<uint, Channel> _clients = new();
    private readonly ConcurrentDictionary<uint, string> _replyNames = new();
    private readonly ConcurrentDictionary<uint, (Stream Stream, SemaphoreSlim Gate)> _pipeClients = new();
    private Channel? _channel;
    private CancellationTokenSource? _pipeStop;

    public string Name { get; } = name;

    /// <summary>One-way messages from clients; raised on the server's receive thread.</summary>
    public event EventHandler<IpcMessageEventArgs>? Received;

    /// <summary>Answers requests (on the receive thread); without one, every request gets an error response.</summary>
    public Func<IpcMessageEventArgs, byte[]>? RequestHandler { get; set; }

    /// <summary>Ids of the clients that said hello and have not left.</summary>
    public IReadOnlyCollection<uint> ClientIds => _clients.Keys.ToArray();

    /// <summary>Creates the server's channel (or takes over one whose server is gone) and starts receiving.</summary>
    public void Start()
    {
        if (_channel is not null || _pipeStop is not null) return;
        if (_options.Transport == IpcTransport.NamedPipe)
        {
            _pipeStop = new CancellationTokenSource();
            var token = _pipeStop.Token;
            var first = NewPipe(); // created here so a client can connect as soon as Start returns
            _ = Task.Run(() => AcceptLoop(first, token));
            return;
        }
        var ch = Channel.OpenOrCreate(Name, new ChannelOptions { Capacity = _options.Capacity });
        try
        {
            ch.TryReceive(); // attach as the reader now: ALREADY_EXISTS if another server runs
        }
        catch
        {
            ch.Dispose();
            throw;
        }
        _channel = ch;
        // Each record is decoded in place and only its payload copied (IpcFrame.Decode).
        ch.StartReceiving(IpcFrame.Decode, Dispatch);
    }

    /// <summary>Stops receiving, closes the channels and removes the server's name; clients' sends then fail with PEER_GONE.</summary>
    public void Stop()
    {
        var pipeStop = Interlocked.Exchange(ref _pipeStop, null);
        if (pipeStop is not null)
        {
            pipeStop.Cancel();
            foreach (var (stream, _) in _pipeClients.Values) stream.Dispose();
            _pipeClients.Clear();
        }
        var ch = Interlocked.Exchange(ref _channel, null);
        if (ch is null) return;
        ch.StopReceiving();
        foreach (var c in _clients.Values) c.Dispose();
        _clients.Clear();
        ch.Dispose();
        Channel.Unlink(Name);
    }

    /// <summary>Sends a one-way message to a client (its Received event).</summary>
    public void Send(uint clientId, ReadOnlySpan<byte> data) => Reply(clientId, IpcFrame.Message, 0, data);

    /// <summary>Sends a UTF-8 string to a client.</summary>
    public void Send(uint clientId, string text) => Send(clientId, Encoding.UTF8.GetBytes(text));

    private NamedPipeServerStream NewPipe() =>
        new(Name, PipeDirection.InOut, NamedPipeServerStream.MaxAllowedServerInstances, PipeTransmissionMode.Byte, PipeOptions.Asynchronous);

    private async Task AcceptLoop(NamedPipeServerStream pipe, CancellationToken token)
    {
        try
        {
            for (;;)
            {
                await pipe.WaitForConnectionAsync(token).ConfigureAwait(false);
                var connected = pipe;
                _ = Task.Run(() => ServePipe(connected, token));
                pipe = NewPipe();
            }
        }
        catch (OperationCanceledException)
        {
            pipe.Dispose();
        }
    }

    private async Task ServePipe(NamedPipeServerStream stream, CancellationToken token)
    {
        uint clientId = 0;
        var gate = new SemaphoreSlim(1, 1);
        try
        {
            while (await IpcPipe.ReadAsync(stream, token).ConfigureAwait(false) is { } rec)
            {
                if (IpcFrame.TryDecode(rec, out var kind, out var id, out _, out _) && kind == IpcFrame.Hello)
                {
                    clientId = id;
                    _pipeClients[id] = (stream, gate);
                    continue;
                }
                Dispatch(rec);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or BadHeaderException)
        {
        }
        finally
        {
            if (clientId != 0) _pipeClients.TryRemove(clientId, out _);
            stream.Dispose();
        }
    }

    private void Dispatch(byte[] rec) => Dispatch(IpcFrame.Decode(rec));

    // The request path (Dispatch, Reply, IpcFrame.Decode/Write) is compiled fully optimized at
    // once, as the channel's: under tiered compilation a busy server answered its first ~10^5
    // requests from unoptimized code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Dispatch(IpcFrame.Decoded m)
    {
        if (m.Payload is not { } payload) return; // too short to be a message
        var (kind, clientId, corr) = (m.Kind, m.ClientId, m.CorrelationId);
        switch (kind)
        {
            case IpcFrame.Hello:
                if (_clients.TryRemove(clientId, out var old)) old.Dispose();
                try
                {
                    var replyName = Encoding.UTF8.GetString(payload);
                    _clients[clientId] = Channel.Open(replyName);
                    _replyNames[clientId] = replyName;
                }
                catch (TwinmapException)
                {
                    // A hello naming a channel we cannot open: that client gets no replies.
                }
                break;
            case IpcFrame.Bye:
                _replyNames.TryRemove(clientId, out _);
                if (_clients.TryRemove(clientId, out var gone)) gone.Dispose();
                break;
            case IpcFrame.Message:
                Received?.Invoke(this, new IpcMessageEventArgs(payload, clientId));
                break;
            case IpcFrame.Request:
                byte replyKind = IpcFrame.Response;
                byte[] body;
                try
                {
                    var handler = RequestHandler ?? throw new InvalidOperationException($"IpcServer \"{Name}\" has no request handler");
                    body = handler(new IpcMessageEventArgs(payload, clientId));
                }
                catch (Exception e)
                {
                    replyKind = IpcFrame.Error;
                    body = Encoding.UTF8.GetBytes(e.Message);
                }
                try
                {
                    Reply(clientId, replyKind, corr, body);
                }
                catch (TwinmapException)
                {
                    // The client is gone or not keeping up: it was dropped.
                }
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Reply(uint clientId, byte kind, uint correlationId, ReadOnlySpan<byte> body)
    {
        if (_options.Transport == IpcTransport.NamedPipe)
        {
            if (!_pipeClients.TryGetValue(clientId, out var link)) throw new NotFoundException($"IpcServer \"{Name}\": no client {clientId}");
            try
            {
                IpcPipe.WriteAsync(link.Stream, IpcFrame.Encode(kind, clientId, correlationId, body), link.Gate, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                _pipeClients.TryRemove(clientId, out _);
                throw new PeerGoneException($"IpcServer \"{Name}\": client {clientId} is gone ({e.Message})");
            }
            return;
        }
        if (!_clients.TryGetValue(clientId, out var ch))
            throw new NotFoundException($"IpcServer \"{Name}\": no client {clientId}");
        try
        {
            // A small reply is framed on the stack: no allocation per request.
            if (body.Length <= 1024 - IpcFrame.HeaderSize)
            {
                Span<byte> frame = stackalloc byte[IpcFrame.HeaderSize + body.Length];
                IpcFrame.Write(frame, kind, clientId, correlationId, body);
                ch.Send(frame, _options.SendTimeoutMs);
            }
            else ch.Send(IpcFrame.Encode(kind, clientId, correlationId, body), _options.SendTimeoutMs);
        }
        catch (TwinmapException e) when (e.Code is TwinmapErrorCode.PeerGone or TwinmapErrorCode.Timeout or TwinmapErrorCode.Closed)
        {
            if (_clients.TryRemove(clientId, out var dead))
            {
                dead.Dispose();
                // A client that died cannot remove its reply channel: the server does, once it is sure.
                if (e.Code == TwinmapErrorCode.PeerGone && _replyNames.TryRemove(clientId, out var replyName)
                    && replyName.StartsWith($"{Name}-reply-", StringComparison.Ordinal)) Channel.Unlink(replyName); // only this server's reply channels: a hello's payload is the client's word
            }
            throw;
        }
    }

    public void Dispose() => Stop();
}
