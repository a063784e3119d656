namespace Twinmap;

/// <summary>A create of something that already exists.</summary>
public sealed class AlreadyExistsException(string message, Exception? inner = null)
    : TwinmapException(TwinmapErrorCode.AlreadyExists, message, inner);
