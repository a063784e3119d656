// `_parent` and `_root` in nested types (fixture: fixtures/features/parent_root.ksy): a type that
// names them is read and written as part of the types it is read inside, which pass the values
// down; checked against Kaitai's parser field by field and instance by instance.
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { refusalsIn } from '../../interop-tests/support/feature-checks.js';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { asKaitaiNumbers, fromKaitai, instanceDifference, type Value } from '../../interop-tests/support/model-tools.js';
import { mutate, Rng } from '../../tools/fuzz/fuzz.js';
import { ParentRoot, type ParentRoot as ParentRootValue } from './fixtures/features/ts/parent_root.js';
import { loadSpecs } from './load.js';
import type { TypeDef } from './model.js';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'parent_root.ksy');
let kaitai: KaitaiClass;
let root: TypeDef;

beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['ParentRoot']!;
  root = loadSpecs([fixture])[0]!.root;
});

const sample: ParentRootValue = {
  unit: 2,
  groups: [
    { numItems: 2, items: [{ tag: 1, data: Uint8Array.of(0xa, 0xb), extra: 5 }, { tag: 2, data: Uint8Array.of(0xc, 0xd), extra: 6 }] },
    { numItems: 1, items: [{ tag: 3, data: Uint8Array.of(0xe, 0xf) }] },
  ],
};

/** undefined when twinmap and Kaitai read the bytes alike (fields and instances), or both fail. */
function difference(bytes: Uint8Array): string | undefined {
  let ours: Value | undefined;
  let theirs: Record<string, unknown> | undefined;
  try {
    ours = ParentRoot.decode(bytes) as unknown as Value;
  } catch (e) {
    if ((e as Error).name !== 'DecodeError') return `twinmap crashed: ${String(e)}`;
  }
  try {
    theirs = kaitaiParse(kaitai, bytes);
  } catch {
    theirs = undefined;
  }
  if (!ours || !theirs) return ours === theirs ? undefined : `only one reads it (twinmap ${ours ? 'does' : 'fails'})`;
  if (!isDeepStrictEqual(asKaitaiNumbers(fromKaitai(theirs, root, ours)), asKaitaiNumbers(ours))) return 'fields differ';
  return instanceDifference(ours, theirs, root);
}

describe('_parent and _root', () => {
  it('writes what Kaitai reads back: sizes from the root, conditions from the parent', () => {
    const bytes = ParentRoot.encode(sample);
    expect(Buffer.from(bytes).toString('hex')).toBe('0202' + '02' + '010a0b05' + '020c0d06' + '01' + '030e0f');
    expect(difference(bytes)).toBeUndefined();
    const back = ParentRoot.decode(bytes);
    expect(back.groups[0]!.items.map((i) => [i.scaled, i.groupSize])).toEqual([[2, 2], [4, 2]]);
    expect(back.groups[1]!.items[0]!.extra).toBeUndefined();
    expect(ParentRoot.encode(back)).toEqual(bytes);
  });

  it('refuses to write data that does not match the size the root gives', () => {
    const bad = structuredClone(sample);
    bad.groups[1]!.items[0]!.data = Uint8Array.of(1, 2, 3);
    expect(() => ParentRoot.encode(bad)).toThrow(/data/);
  });

  it('agrees with Kaitai on damaged inputs', () => {
    const rng = new Rng(9);
    const good = ParentRoot.encode(sample);
    for (let i = 0; i < 400; i++) {
      const bytes = mutate(good, rng);
      expect(difference(bytes), Buffer.from(bytes).toString('hex')).toBeUndefined();
    }
  });
});

describe('refusals name the spec, the place and the value', () => {
  const refusal = refusalsIn('parent-root');

  it('_parent in the root type', () => {
    expect(refusal('a', 'meta: {id: a}\nseq:\n  - {id: x, type: u1, if: _parent.y == 1}\n')).toBe(
      "/seq/0 (A.x): '_parent.y' in the root type, which has no parent (when read from another spec, Kaitai gives it none either)",
    );
  });

  it('a parent field read after the field that needs it', () => {
    const spec = 'meta: {id: b}\nseq:\n  - {id: c, type: child}\n  - {id: n, type: u1}\ntypes:\n  child:\n    seq:\n      - {id: d, size: _parent.n}\n';
    expect(refusal('b', spec)).toBe("/seq/0 (B.c): Child uses _parent.n, passed from B: expression refers to 'n', which is not an earlier field of B");
  });
});
