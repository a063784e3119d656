namespace Twinmap;

/// <summary>Options for <see cref="Channel"/>.</summary>
public sealed record ChannelOptions
{
    /// <summary>Ring bytes for a new channel: a power of two, 4 KiB .. 1 GiB (default 1 MiB).</summary>
    public int Capacity { get; init; } = 1 << 20;

    /// <summary>How long a wait spins before it sleeps in the kernel, in microseconds (default 50; 0: never spin).</summary>
    public int SpinMicros { get; init; } = 50;

    /// <summary>How often a sleeping side checks that its peers are alive, in ms (default 250).</summary>
    public int PeerCheckMs { get; init; } = 250;

    /// <summary>
    /// Attach as the channel's reader now, as <see cref="Channel.Attach"/> does (default false: the
    /// first receive attaches). A creator that is the reader should say so: until a reader attaches,
    /// writers cannot tell that nobody will read, and a full ring makes them wait out their timeout.
    /// </summary>
    public bool Reader { get; init; }

    /// <summary>Use an existing channel owned by another user (default false: PERMISSION error). See docs/security.md.</summary>
    public bool AllowForeignOwner { get; init; }
}
