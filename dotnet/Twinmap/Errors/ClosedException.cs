namespace Twinmap;

/// <summary>Use of something after Close/Dispose (the TypeScript side's <c>ClosedError</c>).</summary>
public sealed class ClosedException(string message) : TwinmapException(TwinmapErrorCode.Closed, message);
