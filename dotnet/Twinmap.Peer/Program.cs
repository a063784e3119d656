// Twinmap.Peer: a .NET program that interop tests start as a separate process.
//   Twinmap.Peer <command> [key=value ...]
// It speaks JSON lines: every event it reports is one line on stdout; where a test must
// step it (e.g. "now release the lock"), it reads one line from stdin.
// Commands are the IPeerCommand classes in Commands/, one concept per file.
using Twinmap.Peer;

return PeerHost.Run(args);
