namespace Twinmap;

/// <summary>An open of something that does not exist.</summary>
public sealed class NotFoundException(string message, Exception? inner = null)
    : TwinmapException(TwinmapErrorCode.NotFound, message, inner);
