// `_parent.x` and `_root.x` that only instances use, naming fields read after the type (fixture:
// fixtures/features/later_fields.ksy): computed when an instance is first used, after the decode,
// as Kaitai does. Checked against Kaitai's parser; C# reads the same bytes in LaterFieldsTests.cs.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBoth, outcome } from '../../interop-tests/support/feature-checks.js';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { mutate, Rng } from '../../tools/fuzz/fuzz.js';
import { LaterFields } from './fixtures/features/ts/later_fields.js';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'later_fields.ksy');
// head.raw 3, method 2, dir: items at 10 20 30 40, tail 7.
const sample = Buffer.from('03' + '02' + '0a141e28' + '07', 'hex');
let kaitai: KaitaiClass;

beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['LaterFields']!;
});

interface Top {
  head: { raw: number; scaled?: number; withTail?: number };
  dir: { items: Array<{ ofs: number; nextOfs?: number; isLast?: boolean }> };
}

function walk(v: Top): unknown[] {
  return [
    [v.head.raw, outcome(() => v.head.scaled), outcome(() => v.head.withTail)],
    v.dir.items.map((e) => [e.ofs, outcome(() => e.nextOfs), outcome(() => e.isLast)]),
  ];
}

describe('_parent and _root fields read after the type, used by instances', () => {
  it('computes the instances from the whole decoded value, as Kaitai does', () => {
    const v = LaterFields.decode(sample) as unknown as Top;
    expect(walk(v)).toEqual([
      [3, 6, 10],
      [[10, 20, false], [20, 30, false], [30, 40, false], [40, 255, true]],
    ]);
    expect(walk(kaitaiParse(kaitai, sample) as unknown as Top)).toEqual(walk(v));
  });

  it('agrees with Kaitai on damaged and random inputs', () => {
    const rng = new Rng(43);
    for (let i = 0; i < 300; i++) {
      const bytes = i % 5 === 4 ? Uint8Array.from({ length: rng.below(12) }, () => rng.below(256)) : mutate(sample, rng);
      const [ours, theirs] = decodeBoth((b) => LaterFields.decode(b), kaitai, bytes, walk);
      expect(ours, Buffer.from(bytes).toString('hex')).toEqual(theirs);
    }
  });

  it('keeps its encoder: the values only instances use are not needed to write', () => {
    const v = LaterFields.decode(sample);
    expect(Buffer.from(LaterFields.encode(v)).toString('hex')).toBe(sample.toString('hex'));
    const built = { head: { raw: 1 }, method: 5, dir: { items: [{ ofs: 1 }, { ofs: 2 }, { ofs: 3 }, { ofs: 4 }] }, tail: 9 };
    const back = LaterFields.decode(LaterFields.encode(built)) as unknown as Top;
    expect(walk(back)).toEqual([
      [1, 5, 10],
      [[1, 2, false], [2, 3, false], [3, 4, false], [4, 255, true]],
    ]);
  });
});
