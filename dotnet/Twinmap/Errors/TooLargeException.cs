namespace Twinmap;

/// <summary>A record larger than a channel can ever hold.</summary>
public sealed class TooLargeException(string message) : TwinmapException(TwinmapErrorCode.TooLarge, message);
