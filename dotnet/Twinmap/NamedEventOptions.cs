namespace Twinmap;

/// <summary>Options for creating a <see cref="NamedEvent"/>.</summary>
public sealed record NamedEventOptions
{
    /// <summary>Auto-reset (the default) releases one waiter per Set; manual-reset releases all.</summary>
    public bool AutoReset { get; init; } = true;
}
