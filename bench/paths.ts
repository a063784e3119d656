// Where the bench finds what it runs, relative to the repository (dist/bench/*.js -> repo root).
import { join } from 'node:path';
import { existsSync } from 'node:fs';

import { repoRoot } from '../ts/test-support/repo-root.js';

export { repoRoot };
export const floorBin = join(repoRoot, 'build', 'bench', 'twinmap-floor');
export const peerProject = join(repoRoot, 'dotnet', 'Twinmap.Peer');
export const peerDll = join(peerProject, 'bin', 'Release', 'net10.0', 'Twinmap.Peer.dll');
export const sideJs = join(repoRoot, 'dist', 'bench', 'side.js');
export const codecChildJs = join(repoRoot, 'dist', 'bench', 'codec-child.js');

export function requireFile(path: string, howToBuild: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing; build it with: ${howToBuild}`);
  return path;
}
