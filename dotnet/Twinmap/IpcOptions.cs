namespace Twinmap;

/// <summary>Options for <see cref="IpcServer"/> and <see cref="IpcClient"/>.</summary>
public sealed record IpcOptions
{
    /// <summary>Ring bytes of the channels this side creates (default 1 MiB).</summary>
    public int Capacity { get; init; } = 1 << 20;

    /// <summary>How long a send may wait for room before it fails (ms, default 5000).</summary>
    public int SendTimeoutMs { get; init; } = 5000;

    /// <summary>Channels (shared memory, the default) or a named pipe.</summary>
    public IpcTransport Transport { get; init; } = IpcTransport.Channel;
}
