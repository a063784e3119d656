using System.Collections.Concurrent;
using System.IO.Pipes;
using System.Security.Cryptography;
using System.Text;

namespace Twinmap;

/// <summary>
/// A typical IPC client interface (Send) plus request → response, over twinmap channels: it writes into
/// the server's channel and reads replies from one of its own
/// (<c>&lt;server name&gt;-reply-&lt;pid&gt;-&lt;random&gt;</c>), named in its hello. The same
/// protocol as ts/ipc/client.ts.
/// </summary>
public sealed class IpcClient : IDisposable
{
    private readonly IpcOptions _options;
    private readonly Channel? _server;
    private readonly Channel? _replies;
    private readonly string? _replyName;
    private readonly NamedPipeClientStream? _pipe;
    private readonly SemaphoreSlim _pipeGate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<byte[]>> _pending = new();
    private int _nextId;
    private volatile bool _closed;

    public string Name { get; }

    /// <summary>This client's id in the server's eyes.</summary>
    public uint ClientId { get; }

    /// <summary>One-way messages the server pushed to this client; raised on the receive thread.</summary>
    public event EventHandler<IpcMessageEventArgs>? Received;

    private IpcClient(string name, IpcOptions options)
    {
        Name = name;
        _options = options;
        ClientId = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4)) is var id && id != 0 ? id : 1;
        if (options.Transport == IpcTransport.NamedPipe)
        {
            _pipe = new NamedPipeClientStream(".", name, PipeDirection.InOut, PipeOptions.Asynchronous);
            try
            {
                _pipe.Connect(options.SendTimeoutMs);
            }
            catch (System.TimeoutException e)
            {
                _pipe.Dispose();
                throw new NotFoundException($"pipe \"{name}\": no server accepted a connection within {options.SendTimeoutMs} ms", e);
            }
            _ = Task.Run(PipeReadLoop);
            WriteFrame(IpcFrame.Encode(IpcFrame.Hello, ClientId, 0, []));
            return;
        }
        _server = Channel.Open(name); // NOT_FOUND if no server has started
        _replyName = $"{name}-reply-{Environment.ProcessId}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}";
        try
        {
            _replies = Channel.Create(_replyName, new ChannelOptions { Capacity = options.Capacity });
            _replies.TryReceive(); // attach as the reader before the server can answer
        }
        catch
        {
            _server.Dispose();
            throw;
        }
        // Each reply is decoded in place and only its payload copied (IpcFrame.Decode).
        _replies.StartReceiving(IpcFrame.Decode, Dispatch);
        _server.Send(IpcFrame.Encode(IpcFrame.Hello, ClientId, 0, Encoding.UTF8.GetBytes(_replyName)), options.SendTimeoutMs);
    }

    /// <summary>Connects to the server named <paramref name="name"/> (which must have started).</summary>
    public static IpcClient Connect(string name, IpcOptions? options = null) => new(name, options ?? new());

    private async Task PipeReadLoop()
    {
        try
        {
            while (await IpcPipe.ReadAsync(_pipe!, _stop.Token).ConfigureAwait(false) is { } rec) Dispatch(rec);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or BadHeaderException)
        {
        }
        foreach (var p in _pending.Values)
            p.TrySetException(new PeerGoneException($"IpcClient \"{Name}\": the pipe to the server closed"));
    }

    private void WriteFrame(byte[] frame)
    {
        try
        {
            IpcPipe.WriteAsync(_pipe!, frame, _pipeGate, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            throw new PeerGoneException($"IpcClient \"{Name}\": the pipe to the server is closed ({e.Message})");
        }
    }

    /// <summary>Sends a one-way message (the server's Received event); waits up to SendTimeoutMs for room.</summary>
    public void Send(ReadOnlySpan<byte> data)
    {
        EnsureOpen();
        var frame = IpcFrame.Encode(IpcFrame.Message, ClientId, 0, data);
        if (_pipe is not null) WriteFrame(frame);
        else _server!.Send(frame, _options.SendTimeoutMs);
    }

    /// <summary>Sends UTF-8 text, like an IPC client's <c>Send(string)</c>.</summary>
    public void Send(string text) => Send(Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// Sends a request and completes with the server's response. Throws TIMEOUT after
    /// <paramref name="timeoutMs"/>, REMOTE if the server's handler failed, PEER_GONE if the server left.
    /// </summary>
    public async Task<byte[]> RequestAsync(ReadOnlyMemory<byte> data, int timeoutMs = 5000, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        uint id = (uint)Interlocked.Increment(ref _nextId);
        if (id == 0) id = (uint)Interlocked.Increment(ref _nextId);
        var tcs = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        try
        {
            var frame = IpcFrame.Encode(IpcFrame.Request, ClientId, id, data.Span);
            if (_pipe is not null)
            {
                try
                {
                    await IpcPipe.WriteAsync(_pipe, frame, _pipeGate, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException)
                {
                    throw new PeerGoneException($"IpcClient \"{Name}\": the pipe to the server is closed ({e.Message})");
                }
            }
            else if (!_server!.TrySend(frame)) await _server.SendAsync(frame, _options.SendTimeoutMs, cancellationToken).ConfigureAwait(false);
            long deadline = Environment.TickCount64 + timeoutMs;
            for (;;)
            {
                // Wait in slices so a server that died is noticed before the timeout.
                int left = (int)Math.Max(0, deadline - Environment.TickCount64);
                var done = await Task.WhenAny(tcs.Task, Task.Delay(Math.Min(left, 250), cancellationToken)).ConfigureAwait(false);
                if (done == tcs.Task) return await tcs.Task.ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (_server is not null && _server.CheckPeers().FirstOrDefault(g => g.Role == "reader") is { } gone)
                    throw new PeerGoneException($"IpcClient \"{Name}\": the server (pid {gone.Pid}) is gone");
                if (Environment.TickCount64 >= deadline)
                    throw new TimeoutException($"IpcClient \"{Name}\": no response to request {id} within {timeoutMs} ms");
            }
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Request with UTF-8 text in and out.</summary>
    public async Task<string> RequestAsync(string text, int timeoutMs = 5000) =>
        Encoding.UTF8.GetString(await RequestAsync(Encoding.UTF8.GetBytes(text), timeoutMs).ConfigureAwait(false));

    /// <summary>Request with JSON in and out, each as a JSON record (json_record.ksy); the server answers with <see cref="IpcMessageEventArgs.JsonPayload"/>.</summary>
    public async Task<TOut?> RequestJsonAsync<TIn, TOut>(TIn value, int timeoutMs = 5000) =>
        new IpcMessageEventArgs(await RequestAsync(IpcMessageEventArgs.JsonPayload(value), timeoutMs).ConfigureAwait(false), ClientId).Json<TOut>();

    /// <summary>Sends a JSON value as a JSON record (the server reads it with <see cref="IpcMessageEventArgs.Json{T}"/>).</summary>
    public void SendJson<T>(T value) => Send(IpcMessageEventArgs.JsonPayload(value));

    private void Dispatch(byte[] rec) => Dispatch(IpcFrame.Decode(rec));

    private void Dispatch(IpcFrame.Decoded m)
    {
        if (m.Payload is not { } payload) return; // too short to be a message
        var (kind, corr) = (m.Kind, m.CorrelationId);
        switch (kind)
        {
            case IpcFrame.Response:
                if (_pending.TryGetValue(corr, out var ok)) ok.TrySetResult(payload);
                break;
            case IpcFrame.Error:
                if (_pending.TryGetValue(corr, out var bad))
                    bad.TrySetException(new TwinmapException(TwinmapErrorCode.Remote, $"IpcServer \"{Name}\": {Encoding.UTF8.GetString(payload)}"));
                break;
            case IpcFrame.Message:
                Received?.Invoke(this, new IpcMessageEventArgs(payload, ClientId));
                break;
        }
    }

    private void EnsureOpen()
    {
        if (_closed) throw new ClosedException($"IpcClient \"{Name}\" is closed");
    }

    /// <summary>Says goodbye, closes both channels and removes the reply channel; pending requests fail with CLOSED.</summary>
    public void Dispose()
    {
        if (_closed) return;
        _closed = true;
        var bye = IpcFrame.Encode(IpcFrame.Bye, ClientId, 0, []);
        if (_pipe is not null)
        {
            try
            {
                WriteFrame(bye);
            }
            catch (TwinmapException)
            {
                // the server is gone: nothing to say goodbye to
            }
            _stop.Cancel();
            _pipe.Dispose();
        }
        else
        {
            try
            {
                _server!.TrySend(bye);
            }
            catch (TwinmapException)
            {
                // the server is gone: nothing to say goodbye to
            }
            _server!.Dispose();
            _replies!.StopReceiving();
            _replies.Dispose();
            Channel.Unlink(_replyName!);
        }
        foreach (var p in _pending.Values)
            p.TrySetException(new ClosedException($"IpcClient \"{Name}\" is closed"));
    }
}
