namespace Twinmap;

/// <summary>
/// What a lock call reports, with the same names as the TypeScript <c>LockResult</c>:
/// taken, taken after the previous owner died or closed while holding it (.NET's
/// <see cref="AbandonedMutexException"/>), or not taken in time.
/// </summary>
public enum LockResult
{
    Acquired,
    Abandoned,
    Timeout,
}
