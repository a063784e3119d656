// Test support (not part of the library build): the one finder of the repository's root for
// tests, the bench and the tools, from source (vitest) or compiled (dist/...) alike: the nearest
// folder above that holds the twinmap package.json.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder at or above `from` whose package.json is the twinmap package. */
export function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'twinmap') return dir;
    if (dirname(dir) === dir) throw new Error(`no twinmap package.json above ${from}`);
  }
}

/** The repository's root (no trailing separator). */
export const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
