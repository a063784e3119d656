namespace Twinmap;

/// <summary>An unlock of a named mutex that the calling thread does not hold.</summary>
public sealed class NotOwnerException(string message, Exception? inner = null)
    : TwinmapException(TwinmapErrorCode.NotOwner, message, inner);
