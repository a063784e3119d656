using System.IO.Pipes;
using System.Security.Cryptography;
using System.Text;
using System.Runtime.CompilerServices;

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
    // Requests waiting for their response, by correlation id (guarded by itself). One timer for
    // the whole client expires them and checks that the server is alive; a request allocates
    // its Pending (which is its task's source) and nothing else until its response arrives.
    private readonly Dictionary<uint, Pending> _pending = [];
    private readonly Timer _watch;
    private long _watchDue = long.MaxValue; // when _watch fires next (Environment.TickCount64), guarded by _pending
    private int _nextId;
    private volatile bool _closed;

    /// <summary>How often a client with requests in flight checks that the server is still there (ms).</summary>
    private const int WatchMs = 250;

    /// <summary>A request in flight: the source of the task RequestAsync returned.</summary>
    private sealed class Pending(uint id, long deadline, int timeoutMs) : TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public readonly uint Id = id;
        public readonly long Deadline = deadline;
        public readonly int TimeoutMs = timeoutMs;
        public CancellationTokenRegistration Cancel;
    }

    public string Name { get; }

    /// <summary>This client's id in the server's eyes.</summary>
    public uint ClientId { get; }

    /// <summary>One-way messages the server pushed to this client; raised on the receive thread.</summary>
    public event EventHandler<IpcMessageEventArgs>? Received;

    private IpcClient(string name, IpcOptions options)
    {
        Name = name;
        _options = options;
        _watch = new Timer(static c => ((IpcClient)c!).Watch(), this, Timeout.Infinite, Timeout.Infinite);
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
        FailAll(new PeerGoneException($"IpcClient \"{Name}\": the pipe to the server closed"));
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Task<byte[]> RequestAsync(ReadOnlyMemory<byte> data, int timeoutMs = 5000, CancellationToken cancellationToken = default)
    {
        if (_closed) return Task.FromException<byte[]>(new ClosedException($"IpcClient \"{Name}\" is closed"));
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<byte[]>(cancellationToken);
        uint id = (uint)Interlocked.Increment(ref _nextId);
        if (id == 0) id = (uint)Interlocked.Increment(ref _nextId);
        long deadline = Environment.TickCount64 + Math.Max(0, timeoutMs);
        var p = new Pending(id, deadline, timeoutMs);
        if (cancellationToken.CanBeCanceled)
            p.Cancel = cancellationToken.UnsafeRegister(static (o, token) => ((Pending)o!).TrySetCanceled(token), p);
        lock (_pending)
        {
            _pending[id] = p;
            Arm(Math.Min(deadline, Environment.TickCount64 + WatchMs));
        }
        // A cancelled request's entry is dropped by the next watch (the token's callback only
        // completes the task: it may run inside the caller's Cancel()).
        try
        {
            if (_pipe is not null) _ = SendOverPipe(p, IpcFrame.Encode(IpcFrame.Request, ClientId, id, data.Span), cancellationToken);
            else SendOverChannel(p, data.Span, cancellationToken);
        }
        catch (Exception e)
        {
            Settle(p, e);
        }
        return p.Task;
    }

    /// <summary>A request that fits is framed on the stack and sent at once; otherwise framed on the heap and sent when there is room.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SendOverChannel(Pending p, ReadOnlySpan<byte> data, CancellationToken cancellationToken)
    {
        if (data.Length <= 1024 - IpcFrame.HeaderSize)
        {
            Span<byte> frame = stackalloc byte[IpcFrame.HeaderSize + data.Length];
            IpcFrame.Write(frame, IpcFrame.Request, ClientId, p.Id, data);
            if (_server!.TrySend(frame)) return;
        }
        _ = SendWhenRoom(p, IpcFrame.Encode(IpcFrame.Request, ClientId, p.Id, data), cancellationToken);
    }

    private async Task SendWhenRoom(Pending p, byte[] frame, CancellationToken cancellationToken)
    {
        try
        {
            if (!_server!.TrySend(frame)) await _server.SendAsync(frame, _options.SendTimeoutMs, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Settle(p, e);
        }
    }

    private async Task SendOverPipe(Pending p, byte[] frame, CancellationToken cancellationToken)
    {
        try
        {
            await IpcPipe.WriteAsync(_pipe!, frame, _pipeGate, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            Settle(p, new PeerGoneException($"IpcClient \"{Name}\": the pipe to the server is closed ({e.Message})"));
        }
        catch (Exception e)
        {
            Settle(p, e);
        }
    }

    /// <summary>Ends a request with its response (<paramref name="result"/>) or an error; the first end wins.</summary>
    private void Settle(Pending p, Exception? error, byte[]? result = null)
    {
        lock (_pending)
        {
            if (_pending.TryGetValue(p.Id, out var cur) && cur == p) _pending.Remove(p.Id);
        }
        p.Cancel.Unregister();
        if (error is OperationCanceledException oce) p.TrySetCanceled(oce.CancellationToken);
        else if (error is not null) p.TrySetException(error);
        else p.TrySetResult(result!);
    }

    /// <summary>Makes the watch fire by <paramref name="due"/> (Environment.TickCount64); the caller holds _pending.</summary>
    private void Arm(long due)
    {
        if (due >= _watchDue || _closed) return;
        _watchDue = due;
        _watch.Change(Math.Max(0, due - Environment.TickCount64), Timeout.Infinite);
    }

    /// <summary>
    /// The watch, every WatchMs while requests are in flight (sooner for a shorter timeout): fails
    /// them all with PEER_GONE if the server is gone, each one past its deadline with TIMEOUT,
    /// and drops cancelled ones.
    /// </summary>
    private void Watch()
    {
        List<(Pending, Exception?)>? ends = null;
        PeerGone? gone = null;
        try
        {
            if (_server is not null && !_closed && _pending.Count > 0)
                gone = _server.CheckPeers().FirstOrDefault(g => g.Role == "reader");
        }
        catch (TwinmapException)
        {
            // closed meanwhile: Dispose fails what is left
        }
        lock (_pending)
        {
            _watchDue = long.MaxValue;
            long now = Environment.TickCount64, next = long.MaxValue;
            foreach (var p in _pending.Values)
            {
                Exception? e = gone is { } g ? new PeerGoneException($"IpcClient \"{Name}\": the server (pid {g.Pid}) is gone")
                    : now >= p.Deadline ? new TimeoutException($"IpcClient \"{Name}\": no response to request {p.Id} within {p.TimeoutMs} ms")
                    : null;
                if (e is not null || p.Task.IsCompleted) (ends ??= []).Add((p, e));
                else next = Math.Min(next, p.Deadline);
            }
            if (next != long.MaxValue) Arm(Math.Min(next, now + WatchMs));
        }
        if (ends is null) return;
        foreach (var (p, e) in ends) Settle(p, e);
    }

    private void FailAll(Exception error)
    {
        Pending[] all;
        lock (_pending) all = [.. _pending.Values];
        foreach (var p in all) Settle(p, error);
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Dispatch(IpcFrame.Decoded m)
    {
        if (m.Payload is not { } payload) return; // too short to be a message
        var (kind, corr) = (m.Kind, m.CorrelationId);
        switch (kind)
        {
            case IpcFrame.Response:
            case IpcFrame.Error:
                Pending? p;
                lock (_pending) _pending.Remove(corr, out p);
                if (p is null) return; // late (timed out) or unknown
                p.Cancel.Unregister();
                if (kind == IpcFrame.Response) p.TrySetResult(payload);
                else p.TrySetException(new TwinmapException(TwinmapErrorCode.Remote, $"IpcServer \"{Name}\": {Encoding.UTF8.GetString(payload)}"));
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
        lock (_pending) _watch.Dispose(); // after this no Arm: it runs under the lock and sees _closed
        FailAll(new ClosedException($"IpcClient \"{Name}\" is closed"));
    }
}
