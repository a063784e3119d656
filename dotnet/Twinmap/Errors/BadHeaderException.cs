namespace Twinmap;

/// <summary>Shared memory or a file whose header or layout is not what it must be.</summary>
public sealed class BadHeaderException(string message, Exception? inner = null)
    : TwinmapException(TwinmapErrorCode.BadHeader, message, inner);
