// Params holding objects, byte arrays, strings and floats (fixture: fixtures/features/value_params.ksy):
// declared (`type: sample_head`, `bytes`, `str`, `f8`) and passed by `_parent.x`/`_root.x`. Checked
// against Kaitai's parser, and written back with the values the using type holds.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBoth, outcome, refusalsIn } from '../../interop-tests/support/feature-checks.js';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { mutate, Rng } from '../../tools/fuzz/fuzz.js';
import { ValueParams } from './fixtures/features/ts/value_params.js';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'value_params.ksy');
// num 2; heads (1, narrow) (2, wide); samples [aa] [bb cc dd ee]; magic 05 06; tagged body 11 22;
// table: cells [33], echo [44 55], inner tail [66] (5 % 4 = 1 byte).
const sample = Buffer.from('02010002 80aabbccddee05061122334455 66'.replaceAll(' ', ''), 'hex');
let kaitai: KaitaiClass;

beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['ValueParams']!;
});

interface Top {
  samples: Array<{ data: Uint8Array; wide: boolean }>;
  tagged: { body: Uint8Array; firstTag: number; nameLen: number; scaled: number };
  table: { cells: Uint8Array; echo: Uint8Array; inner: { tail: Uint8Array } };
}

function walk(v: Top): unknown[] {
  return [
    v.samples.map((s) => [outcome(() => s.data), outcome(() => s.wide)]),
    [outcome(() => v.tagged.body), outcome(() => v.tagged.firstTag), outcome(() => v.tagged.nameLen), outcome(() => v.tagged.scaled)],
    [outcome(() => v.table.cells), outcome(() => v.table.echo), outcome(() => v.table.inner.tail)],
  ];
}

describe('params holding objects, bytes, strings and floats', () => {
  it('reads through the values passed in, as Kaitai does', () => {
    const v = ValueParams.decode(sample) as unknown as Top;
    expect(walk(v)).toEqual([
      [['aa', false], ['bbccddee', true]],
      ['1122', 5, 2, 3],
      ['33', '4455', '66'],
    ]);
    expect(walk(kaitaiParse(kaitai, sample) as unknown as Top)).toEqual(walk(v));
  });

  it('agrees with Kaitai on damaged and random inputs', () => {
    const rng = new Rng(23);
    for (let i = 0; i < 400; i++) {
      const bytes = i % 5 === 4 ? Uint8Array.from({ length: rng.below(30) }, () => rng.below(256)) : mutate(sample, rng);
      const [ours, theirs] = decodeBoth((b) => ValueParams.decode(b), kaitai, bytes, walk);
      expect(ours, Buffer.from(bytes).toString('hex')).toEqual(theirs);
    }
  });

  it('writes with the values the using type holds, and refuses data that does not fit them', () => {
    const v = ValueParams.decode(sample);
    expect(Buffer.from(ValueParams.encode(v)).toString('hex')).toBe(sample.toString('hex'));
    expect(ValueParams.sizeOf(v)).toBe(sample.length);
    // The second head says 2 wide units: 4 bytes of data.
    expect(() => ValueParams.encode({ ...v, samples: [v.samples[0]!, { data: Uint8Array.of(1, 2) }] })).toThrow(/samples\[1\].*data|data.*4/);
    // The tagged body is as long as the magic it is given.
    expect(() => ValueParams.encode({ ...v, tagged: { body: Uint8Array.of(1) } })).toThrow(/tagged/);
    // Random values Kaitai reads back the same.
    const rng = new Rng(5);
    for (let i = 0; i < 50; i++) {
      const heads = Array.from({ length: rng.below(3) }, () => ({ len: rng.below(4), flags: { wide: rng.below(2) === 1, rest: rng.below(128) } }));
      const magic = Uint8Array.of(rng.below(256), rng.below(256));
      const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => rng.below(256));
      const value = {
        num: heads.length,
        heads,
        samples: heads.map((h) => ({ data: bytes(h.len * (h.flags.wide ? 2 : 1)) })),
        magic,
        tagged: { body: bytes(2) },
        table: { cells: bytes(heads.length ? heads[0]!.len : 0), echo: bytes(2), inner: { tail: bytes(magic[0]! % 4) } },
      };
      const out = ValueParams.encode(value);
      const [ours, theirs] = decodeBoth((b) => ValueParams.decode(b), kaitai, out, walk);
      expect(ours).toEqual(theirs);
      expect(Buffer.from(ValueParams.encode(ValueParams.decode(out))).equals(Buffer.from(out))).toBe(true);
    }
  });

  it('refuses param types it cannot hold, naming the param', () => {
    const refused = refusalsIn('value-params');
    const spec = (ty: string): string => `meta: {id: x, endian: le}\nseq:\n  - id: a\n    type: u1\ntypes:\n  t:\n    params:\n      - id: p\n        type: ${ty}\n`;
    expect(refused('io', spec('io'))).toMatch(/\/types\/t\/params\/0 \(p\): a param of type 'io' is not supported/);
    expect(refused('any', spec('any'))).toMatch(/a param of type 'any' is not supported/);
    expect(refused('unknown', spec('nowhere'))).toMatch(/\/types\/t\/params\/0 \(p\): unknown type 'nowhere'/);
  });
});
