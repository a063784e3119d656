namespace Twinmap;

/// <summary>
/// A blocking call that reports running out of time as an error, e.g. a channel send (the
/// TypeScript side's <c>TimeoutError</c>). Not <see cref="System.TimeoutException"/>: catch this
/// one, or <see cref="TwinmapException"/> with code TIMEOUT.
/// </summary>
public sealed class TimeoutException(string message) : TwinmapException(TwinmapErrorCode.Timeout, message);
