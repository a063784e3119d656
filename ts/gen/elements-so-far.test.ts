// A repeated field whose elements are read with values of the elements read before them
// (fixture: fixtures/features/elements_so_far.ksy): `groups[_index - 1].total` and `parts.size` in
// its own arguments are the array as read so far, as Kaitai's parsers see it while they fill it;
// value instances and params of decoded objects read through an element; integer literals beyond
// 2^53. Checked against Kaitai's parser; C# reads the same bytes in ElementsSoFarTests.cs.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBoth, outcome, refusalsIn } from '../../interop-tests/support/feature-checks.js';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { mutate, Rng } from '../../tools/fuzz/fuzz.js';
import { ElementsSoFar } from './fixtures/features/ts/elements_so_far.js';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'elements_so_far.ksy');
// groups 81 02: totals 1 and 1 + 2 * 128; count 2; parts (len 1, 1 + 0 bytes) aa, (len 1, 1 + 1 bytes) bb cc.
const sample = Buffer.from('8102' + '02' + '01aa' + '01bbcc', 'hex');
// Ten groups: the last one weighs 0x8000_0000_0000_0000 (2^63); no parts.
const wide = Buffer.from('ffffffffffffffffff01' + '00', 'hex');
let kaitai: KaitaiClass;

beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['ElementsSoFar']!;
});

interface Top {
  groups: Array<{ hasNext: boolean; value: number; total?: number; weight?: number }>;
  parts: Array<{ len: number; body: Uint8Array; sum?: number }>;
  value?: number;
  lastWeight?: number;
  sums?: number;
}

function walk(v: Top): unknown[] {
  return [
    v.groups.map((g) => [g.hasNext, g.value, outcome(() => g.total)]),
    v.parts.map((p) => [p.len, outcome(() => p.body), outcome(() => p.sum)]),
    [outcome(() => v.value), outcome(() => v.lastWeight), outcome(() => v.sums)],
  ];
}

const refusal = refusalsIn('elements-so-far');

describe('a repeated field read with its elements read so far', () => {
  it('passes each element values of the ones before it, as Kaitai does', () => {
    const v = ElementsSoFar.decode(sample) as unknown as Top;
    expect(walk(v)).toEqual([
      [[true, 1, 1], [false, 2, 257]],
      [[1, 'aa', 1], [1, 'bbcc', 2]],
      [257, 128, 2],
    ]);
    expect(walk(kaitaiParse(kaitai, sample) as unknown as Top)).toEqual(walk(v));
    // The param an element was read with is kept on it, out of sight.
    expect(Object.keys(v.groups[1]!)).toEqual(['hasNext', 'value']);
    expect(v.groups[1]!.weight).toBe(128);
  });

  it('computes with a 64-bit literal as Kaitai’s JS does (a number)', () => {
    const v = ElementsSoFar.decode(wide) as unknown as Top;
    const k = kaitaiParse(kaitai, wide) as unknown as Top;
    expect(walk(v)).toEqual(walk(k));
    expect(v.lastWeight).toBe(2 ** 63);
    expect(v.value).toBe(k.value);
  });

  it('agrees with Kaitai on damaged and random inputs', () => {
    const rng = new Rng(41);
    for (let i = 0; i < 400; i++) {
      const bytes = i % 5 === 4 ? Uint8Array.from({ length: rng.below(24) }, () => rng.below(256)) : mutate(i % 2 ? sample : wide, rng);
      const [ours, theirs] = decodeBoth((b) => ElementsSoFar.decode(b), kaitai, bytes, walk);
      expect(ours, Buffer.from(bytes).toString('hex')).toEqual(theirs);
    }
  });

  it('is decode-only, saying why', () => {
    expect('encode' in ElementsSoFar).toBe(false);
  });

  it('refuses a conditional one, and a literal beyond 64 bits', () => {
    const head = 'meta: {id: x, endian: le}\ntypes:\n  t:\n    params: [{id: n, type: u4}]\n    seq: [{id: a, type: u1}]\n';
    expect(refusal('self_if', `${head}seq:\n  - id: b\n    type: u1\n  - id: xs\n    type: t(xs.size)\n    repeat: expr\n    repeat-expr: 2\n    if: b == 1\n`)).toBe(
      "/seq/1 (X.xs): 'xs' names itself (the elements read so far) and has an if (not supported)",
    );
    expect(refusal('wide', `${head}seq:\n  - id: xs\n    type: t(0x1_0000_0000_0000_0000)\n`)).toBe('/seq/0 (X.xs): argument 1 of t: integer 0x1_0000_0000_0000_0000 is out of range (64-bit integers are supported)');
  });
});
