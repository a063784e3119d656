// `_index` outside repeat-until (fixture: fixtures/features/element_index.ksy): the index of the
// element being read, in the size, the arguments and the switch of a repeated field, with
// repeat-expr, repeat-until and repeat-eos. Checked against Kaitai's parser, and written back.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBoth, outcome, refusalsIn } from '../../interop-tests/support/feature-checks.js';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { mutate, Rng } from '../../tools/fuzz/fuzz.js';
import { ElementIndex } from './fixtures/features/ts/element_index.js';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'element_index.ksy');
// num 2; lens 1, 2; chunks [aa] [bb cc]; tagged [01] [02 03]; kinds 07, (08 09), 0a;
// marks (05 e0) (00); rest (06) (07 e1) (08).
const sample = Buffer.from('020102aabbcc010203070809 0a05e000 0607e108'.replaceAll(' ', ''), 'hex');
let kaitai: KaitaiClass;

beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['ElementIndex']!;
});

interface Tail {
  mark: number;
  extra?: number | null;
  position: number;
}
interface Top {
  chunks: Uint8Array[];
  tagged: Array<{ body: Uint8Array; position: number }>;
  kinds: Array<number | { a: number; b: number }>;
  marks: Tail[];
  rest: Tail[];
}

const tail = (x: Tail): unknown[] => [x.mark, x.extra ?? undefined, x.position];
function walk(v: Top): unknown[] {
  return [
    v.chunks.map((c) => outcome(() => c)),
    v.tagged.map((x) => [outcome(() => x.body), x.position]),
    v.kinds.map((k) => (typeof k === 'number' ? k : [k.a, k.b])),
    v.marks.map(tail),
    v.rest.map(tail),
  ];
}

describe('_index in a repeated field', () => {
  it('is the index of the element being read, as in Kaitai', () => {
    const v = ElementIndex.decode(sample) as unknown as Top;
    expect(walk(v)).toEqual([
      ['aa', 'bbcc'],
      [['01', 0], ['0203', 100]],
      [7, [8, 9], 10],
      [[5, 0xe0, 0], [0, undefined, 1]],
      [[6, undefined, 10], [7, 0xe1, 11], [8, undefined, 12]],
    ]);
    expect(walk(kaitaiParse(kaitai, sample) as unknown as Top)).toEqual(walk(v));
  });

  it('agrees with Kaitai on damaged and random inputs', () => {
    const rng = new Rng(21);
    for (let i = 0; i < 400; i++) {
      const bytes = i % 5 === 4 ? Uint8Array.from({ length: rng.below(30) }, () => rng.below(256)) : mutate(sample, rng);
      const [ours, theirs] = decodeBoth((b) => ElementIndex.decode(b), kaitai, bytes, walk);
      expect(ours, Buffer.from(bytes).toString('hex')).toEqual(theirs);
    }
  });

  it('writes each element with its own index, and refuses one that does not fit it', () => {
    const v = ElementIndex.decode(sample);
    expect(Buffer.from(ElementIndex.encode(v)).toString('hex')).toBe(sample.toString('hex'));
    expect(ElementIndex.sizeOf(v)).toBe(sample.length);
    // The second chunk must be lens[1] = 2 bytes long; the second kind a pair (odd index).
    expect(() => ElementIndex.encode({ ...v, chunks: [Uint8Array.of(1), Uint8Array.of(2)] })).toThrow(/ElementIndex\.chunks/);
    expect(() => ElementIndex.encode({ ...v, kinds: [1, 2, 3] })).toThrow(/kinds.*Pair|Duo/);
    // Element 1 of rest (index 11) has an extra byte; without one, writing it fails.
    expect(() => ElementIndex.encode({ ...v, rest: [v.rest[0]!, { mark: 1 } as never] })).toThrow(/rest\[1\]|extra/);
  });

  it("refuses _index outside a repeated field, naming the key", () => {
    const refused = refusalsIn('element-index');
    const head = 'meta: {id: x, endian: le}\nseq:\n';
    expect(refused('size', `${head}  - id: a\n    size: _index\n`)).toMatch(/\/seq\/0 \(X\.a\): size: '_index' outside a repeated field/);
    expect(refused('arg', `${head}  - id: a\n    type: t(_index)\ntypes:\n  t:\n    params: [{id: i, type: u1}]\n`)).toMatch(/argument 1 of t: '_index' outside a repeated field/);
    expect(refused('count', `${head}  - id: a\n    type: u1\n    repeat: expr\n    repeat-expr: _index\n`)).toMatch(/repeat-expr: '_index' is not supported here/);
  });
});
