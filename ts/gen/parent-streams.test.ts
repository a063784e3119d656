// Instances reading a parent's stream or an element's (fixture: fixtures/features/parent_streams.ksy):
// `io: _parent._io` and `io: _parent._parent._io` where that stream is the type's own, and
// `io: blocks[1].body._io`. Checked against Kaitai's parser, in the same order.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBoth, outcome, refusalsIn } from '../../interop-tests/support/feature-checks.js';
import { kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { mutate, Rng } from '../../tools/fuzz/fuzz.js';
import { ParentStreams } from './fixtures/features/ts/parent_streams.js';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'parent_streams.ksy');
// list: 2 entries, ofs 0 and 4; blocks (2: aa bb) (3: cc dd ee).
const sample = Uint8Array.of(2, 0, 4, 2, 0xaa, 0xbb, 3, 0xcc, 0xdd, 0xee);
let kaitai: KaitaiClass;

beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['ParentStreams']!;
});

type Top = { list: { entries: Array<{ ofs: number; fromGrandparent: number; fromParent: number }> }; secondBodyByte: number };

function walk(v: Top): unknown[] {
  return [...v.list.entries.map((e) => [e.ofs, outcome(() => e.fromGrandparent), outcome(() => e.fromParent)]), outcome(() => v.secondBodyByte)];
}

describe("io: a parent's stream, or an element's", () => {
  it('reads from the stream each names, as Kaitai does', () => {
    expect(walk(ParentStreams.decode(sample) as unknown as Top)).toEqual([[0, 2, 0], [4, 0xaa, 0xbb], 0xdd]);
    const [ours, theirs] = decodeBoth((b) => ParentStreams.decode(b), kaitai, sample, walk);
    expect(ours).toEqual(theirs);
  });

  it('agrees with Kaitai on damaged and random inputs', () => {
    const rng = new Rng(29);
    for (let i = 0; i < 400; i++) {
      const bytes = i % 5 === 4 ? Uint8Array.from({ length: rng.below(16) }, () => rng.below(256)) : mutate(sample, rng);
      const [ours, theirs] = decodeBoth((b) => ParentStreams.decode(b), kaitai, bytes, walk);
      expect(ours, Buffer.from(bytes).toString('hex')).toEqual(theirs);
    }
  });

  it("refuses a parent's stream that is not the type's own, and an index on a single value", () => {
    const refused = refusalsIn('parent-streams');
    const head = 'meta: {id: x, endian: le}\n';
    const sized = `${head}seq:\n  - id: a\n    size: 2\n    type: t\ntypes:\n  t:\n    instances:\n      b:\n        io: _parent._io\n        pos: 0\n        type: u1\n`;
    expect(refused('sized', sized)).toMatch(/\/types\/t\/instances\/b \(T\.b\): io: '_parent\._io': T is read from a stream of its own in X\.a/);
    const single = `${head}seq:\n  - id: a\n    size: 2\n    type: t\ninstances:\n  b:\n    io: a[0]._io\n    pos: 0\n    type: u1\ntypes:\n  t: {}\n`;
    expect(refused('single', single)).toMatch(/io: 'a\[0\]\._io': 'a' is not repeated/);
  });
});
