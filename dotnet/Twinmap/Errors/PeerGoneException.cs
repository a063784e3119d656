namespace Twinmap;

/// <summary>The process on the other side of a channel died or closed; the operation did not happen.</summary>
public sealed class PeerGoneException(string message) : TwinmapException(TwinmapErrorCode.PeerGone, message);
