// Builds the .NET Peer once before any test file runs, so `npx vitest` works on its own.
// (An up-to-date build takes a couple of seconds; CI has built it already.)
import { execa } from 'execa';
import { join } from 'node:path';
import { repoRoot } from './peer.js';

export default async function setup(): Promise<void> {
  if (process.env['TWINMAP_SKIP_PEER_BUILD'] === '1') return;
  for (const project of ['Twinmap.Peer', 'Twinmap.NrbfApp']) {
    await execa('dotnet', ['build', join(repoRoot, 'dotnet', project), '-c', 'Release', '--nologo', '-v', 'q'], {
      stdio: 'inherit',
    });
  }
}
