// Builds the .NET programs the tests start (the Peer and the BCL-only app) once before any test
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
    return;
  }
  for (const app of ['Twinmap.Peer', 'Twinmap.BclApp']) {
    await execa('dotnet', ['build', join(repoRoot, 'dotnet', app), '-c', 'Release', '--nologo', '-v', 'q'], { stdio: 'inherit' });
  }
}
