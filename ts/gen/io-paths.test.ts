// Instances that read the stream of another object (fixture: fixtures/features/io_paths.ksy):
// `io: _root.names._io`, `io: _root.table._io` (a root instance's substream), `io: wrapper.inner._io`
// (a field inside a field) without pos. Checked against Kaitai's parser, in the same order.
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBoth, outcome } from '../../interop-tests/support/feature-checks.js';
import { kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { mutate, Rng } from '../../tools/fuzz/fuzz.js';
import { IoPaths } from './fixtures/features/ts/io_paths.js';
import { join } from 'node:path';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'io_paths.ksy');
// names "ab\0cd\0"; entries at 0 and 3; wrapper [11 22 33 | 44]; table 55 66.
const sample = Uint8Array.of(6, 0x61, 0x62, 0, 0x63, 0x64, 0, 0, 3, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66);
let kaitai: KaitaiClass;

beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['IoPaths']!;
});

type Top = { entries: Array<{ ofsName: number; name: string; firstOfTable: number }>; innerA: number; innerB: number };

function walk(v: Top): unknown[] {
  return [...v.entries.map((e) => outcome(() => [e.ofsName, e.name, e.firstOfTable])), outcome(() => v.innerA), outcome(() => v.innerB)];
}

describe('io: the stream of another object', () => {
  it('reads from the stream each path names, as Kaitai does', () => {
    expect(walk(IoPaths.decode(sample) as unknown as Top)).toEqual([[0, 'ab', 0x55], [3, 'cd', 0x55], 0x11, 0x22]);
    const [ours, theirs] = decodeBoth((b) => IoPaths.decode(b), kaitai, sample, walk);
    expect(ours).toEqual(theirs);
  });

  it('agrees with Kaitai on damaged and random inputs', () => {
    const rng = new Rng(13);
    for (let i = 0; i < 400; i++) {
      const bytes = i % 5 === 4 ? Uint8Array.from({ length: rng.below(24) }, () => rng.below(256)) : mutate(sample, rng);
      const [ours, theirs] = decodeBoth((b) => IoPaths.decode(b), kaitai, bytes, walk);
      expect(ours, Buffer.from(bytes).toString('hex')).toEqual(theirs);
    }
  });

  it('fails a read past the end of the named stream with a DecodeError naming the instance', () => {
    const bad = sample.slice();
    bad[8] = 9; // entry 1's name starts past the 6 bytes of names
    const v = IoPaths.decode(bad);
    expect(() => v.entries[1]!.name).toThrow(/Entry\.name at byte \d+/);
  });
});
