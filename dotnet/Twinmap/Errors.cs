namespace Twinmap;

/// <summary>
/// The codes every twinmap error carries; the same strings as the TypeScript side's
/// <c>TwinmapErrorCode</c> (ts/errors.ts), so a test can compare errors across languages.
/// </summary>
public static class TwinmapErrorCode
{
    public const string InvalidName = "INVALID_NAME";
    public const string NotFound = "NOT_FOUND";
    public const string AlreadyExists = "ALREADY_EXISTS";
    public const string Closed = "CLOSED";
    public const string BadHeader = "BAD_HEADER";
    public const string Permission = "PERMISSION";
    public const string InvalidArgument = "INVALID_ARGUMENT";
    public const string NotOwner = "NOT_OWNER";
    public const string WouldDeadlock = "WOULD_DEADLOCK";
    public const string Timeout = "TIMEOUT";
    public const string Decode = "DECODE";
    public const string Encode = "ENCODE";
    public const string Unsupported = "UNSUPPORTED";
    public const string PeerGone = "PEER_GONE";
    public const string TooLarge = "TOO_LARGE";
    public const string Remote = "REMOTE";
    public const string Os = "OS";
}

/// <summary>Base of every error twinmap throws; <see cref="Code"/> is a <see cref="TwinmapErrorCode"/>.</summary>
public class TwinmapException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}

/// <summary>A name neither side could accept; <see cref="InvalidName"/> is the name refused.</summary>
public sealed class InvalidNameException(string invalidName, string reason)
    : TwinmapException(TwinmapErrorCode.InvalidName, $"invalid name \"{invalidName}\": {reason}")
{
    public string InvalidName { get; } = invalidName;
}

/// <summary>An open of something that does not exist.</summary>
public sealed class NotFoundException(string message, Exception? inner = null)
    : TwinmapException(TwinmapErrorCode.NotFound, message, inner);

/// <summary>A create of something that already exists.</summary>
public sealed class AlreadyExistsException(string message, Exception? inner = null)
    : TwinmapException(TwinmapErrorCode.AlreadyExists, message, inner);

/// <summary>Shared memory or a file whose header or layout is not what it must be.</summary>
public sealed class BadHeaderException(string message, Exception? inner = null)
    : TwinmapException(TwinmapErrorCode.BadHeader, message, inner);

/// <summary>The process on the other side of a channel died or closed; the operation did not happen.</summary>
public sealed class PeerGoneException(string message) : TwinmapException(TwinmapErrorCode.PeerGone, message);

/// <summary>A record larger than a channel can ever hold.</summary>
public sealed class TooLargeException(string message) : TwinmapException(TwinmapErrorCode.TooLarge, message);

/// <summary>An unlock of a named mutex that the calling thread does not hold.</summary>
public sealed class NotOwnerException(string message, Exception? inner = null)
    : TwinmapException(TwinmapErrorCode.NotOwner, message, inner);

/// <summary>A write was asked of something opened read-only (e.g. a writable span of a read-only SharedMap).</summary>
public sealed class ReadOnlyException(string message)
    : TwinmapException(TwinmapErrorCode.Permission, message);

/// <summary>Use of something after Close/Dispose (the TypeScript side's <c>ClosedError</c>).</summary>
public sealed class ClosedException(string message) : TwinmapException(TwinmapErrorCode.Closed, message);

/// <summary>
/// A blocking call that reports running out of time as an error, e.g. a channel send (the
/// TypeScript side's <c>TimeoutError</c>). Not <see cref="System.TimeoutException"/>: catch this
/// one, or <see cref="TwinmapException"/> with code TIMEOUT.
/// </summary>
public sealed class TimeoutException(string message) : TwinmapException(TwinmapErrorCode.Timeout, message);
