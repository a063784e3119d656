// Starts the .NET side of the demo (dotnet/Twinmap.Peer) and reads its JSON-line events through
// the repository's one client of the Peer's line protocol (ts/test-support/peer-process.ts): the
// demo runs from a clone only (examples/ is in neither package) and its .NET side is the Peer
// the tests drive, so it starts that program the way the tests do. What the demo shows of
// twinmap (main.ts, channel-part.ts) imports only the library.
// Builds the Peer first when it is missing or older than its sources: `npm install` builds the
// addon and the TS library, not .NET.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { keyValueArgs, PeerProcess } from '../../ts/test-support/peer-process.js';
import { repoRoot } from '../../ts/test-support/repo-root.js';

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'bin' || entry.name === 'obj') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(cs|csproj|props)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The Peer's dll, built if needed. Throws a message a first-time user can act on. */
export function ensurePeer(log: (line: string) => void): string {
  const dotnetDir = join(repoRoot, 'dotnet');
  const dll = join(dotnetDir, 'Twinmap.Peer', 'bin', 'Release', 'net10.0', 'Twinmap.Peer.dll');
  const stale = !existsSync(dll) || statSync(dll).mtimeMs < Math.max(newestSource(join(dotnetDir, 'Twinmap.Peer')), newestSource(join(dotnetDir, 'Twinmap')), newestSource(join(repoRoot, 'examples', 'dotnet')));
  if (!stale) return dll;
  log('Building the .NET side (dotnet/Twinmap.Peer) first; this takes a moment the first time...');
  const r = spawnSync('dotnet', ['build', join(dotnetDir, 'Twinmap.Peer'), '-c', 'Release', '--nologo', '-v', 'q', '-clp:NoSummary'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
  });
  if (r.error !== undefined) {
    throw new Error(`cannot run \`dotnet\` (${r.error.message}): the demo needs the .NET 10 SDK (https://dot.net)`);
  }
  if (r.status !== 0 || !existsSync(dll)) throw new Error('`dotnet build dotnet/Twinmap.Peer` failed (see above)');
  return dll;
}

/** Starts the Peer's `command` (`dotnet <dll> command key=value...`); `next(event)` waits for an event line, `send()` steps it. */
export function startPeer(dll: string, command: string, args: Record<string, string | number>): PeerProcess {
  return new PeerProcess('dotnet', [dll, command, ...keyValueArgs(args)], { label: 'the .NET side' });
}
