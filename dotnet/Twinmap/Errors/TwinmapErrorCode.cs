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
    public const string GenerationMismatch = "GENERATION_MISMATCH";
    public const string Os = "OS";
}
