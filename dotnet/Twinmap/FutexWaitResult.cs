namespace Twinmap;

/// <summary>The result of one futex wait.</summary>
internal enum FutexWaitResult
{
    /// <summary>A wake (or a signal) ended the sleep; the caller re-checks its condition.</summary>
    Woken,
    /// <summary>The timeout passed.</summary>
    Timeout,
    /// <summary>The word no longer held the expected value, so the call did not sleep.</summary>
    Changed,
}
