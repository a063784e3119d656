namespace Twinmap;

/// <summary>A process on the other side of a channel that died or closed.</summary>
/// <param name="Role">"reader" or "writer".</param>
/// <param name="Pid">its process id (0: a reader that closed normally).</param>
/// <param name="HeldLock">a writer that died holding the write lock (mid-record); the lock was released.</param>
public sealed record PeerGone(string Role, int Pid, bool HeldLock = false);
