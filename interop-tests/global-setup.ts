// Builds the .NET programs the tests start (the Peer, the BCL-only app, the NRBF app) once before any test
// file runs, so `npx vitest` works on its own. (An up-to-date build takes a couple of seconds;
// CI has built them already.) With TWINMAP_DOTNET=<id> it publishes them for that runtime
// instead (scripts/dotnet-runtimes.mjs; reused while the .NET sources are unchanged).
import { execa } from 'execa';
import { join } from 'node:path';
import { dotnetRuntime, repoRoot } from './peer.js';

export default async function setup(): Promise<void> {
  if (process.env['TWINMAP_SKIP_PEER_BUILD'] === '1') return;
  if (dotnetRuntime) {
    await execa(process.execPath, [join(repoRoot, 'scripts', 'dotnet-runtimes.mjs'), dotnetRuntime.id], { stdio: 'inherit' });
  }
  // The NRBF program always runs on the installed .NET.
  for (const app of [...(dotnetRuntime ? [] : ['Twinmap.Peer', 'Twinmap.BclApp']), 'Twinmap.NrbfApp']) {
    await execa('dotnet', ['build', join(repoRoot, 'dotnet', app), '-c', 'Release', '--nologo', '-v', 'q'], { stdio: 'inherit' });
  }
}
