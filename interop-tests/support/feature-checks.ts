// Helpers the generator's feature tests share: how a spec text is refused, and one fixture read by
// twinmap and by Kaitai's parser with every field and instance taken in the same order.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpecs } from '../../ts/gen/load.js';
import { kaitaiParse, type KaitaiClass } from './kaitai-js.js';

/**
 * A function that writes `text` as `<name>.ksy` in a fresh temp directory and returns the message the
 * generator refuses it with (its leading path removed), or 'accepted'.
 */
export function refusalsIn(prefix: string): (name: string, text: string) => string {
  const dir = mkdtempSync(join(tmpdir(), `twinmap-${prefix}-`));
  return (name, text) => {
    const path = join(dir, `${name}.ksy`);
    writeFileSync(path, text);
    try {
      loadSpecs([path]);
    } catch (e) {
      return (e as Error).message.replace(`${path}: `, '');
    }
    return 'accepted';
  };
}

/** What reading one value gives: the value (bytes as hex) or 'fails'. Instances throw when read. */
export function outcome(read: () => unknown): unknown {
  try {
    const x = read();
    return x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x;
  } catch {
    return 'fails';
  }
}

/**
 * `bytes` decoded by twinmap and by Kaitai, each walked in the same order: [ours, theirs], where a
 * decode that fails is 'fails' (twinmap's must fail with a DecodeError).
 */
export function decodeBoth<T>(decode: (bytes: Uint8Array) => unknown, kaitai: KaitaiClass, bytes: Uint8Array, walk: (v: T) => unknown): [unknown, unknown] {
  let ours: unknown;
  try {
    ours = walk(decode(bytes) as T);
  } catch (e) {
    if ((e as Error).name !== 'DecodeError') throw e;
    ours = 'fails';
  }
  let theirs: unknown;
  try {
    theirs = walk(kaitaiParse(kaitai, bytes) as unknown as T);
  } catch {
    theirs = 'fails';
  }
  return [ours, theirs];
}
