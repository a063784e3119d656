// Shared bits of the map interop tests: unique names that clean up after themselves.
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueName } from '../ts/test-support/unique-name.js';

/** A fresh map name; removed from /dev/shm on dispose whoever created it (plain fs, so even a
 *  test that failed on a stale addon cleans up). */
export function uniqueMapName(tag: string): { name: string; [Symbol.dispose](): void } {
  const name = uniqueName('twinmap-it', tag);
  return { name, [Symbol.dispose]: () => rmSync(`/dev/shm/${name}`, { force: true }) };
}

/** A fresh temporary directory; removed on dispose. */
export function tempDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'twinmap-it-map-'));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
