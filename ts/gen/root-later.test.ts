// `_root.a.b` in a parse instance's pos, where `a` is still being read when the instance's type is
// read (fixture: fixtures/features/root_later.ksy): looked up in the decoded root when the instance
// is first used, as Kaitai does. Checked against Kaitai's parser.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { DecodeError } from './runtime/twinmap-runtime.js';
import { RootLater } from './fixtures/features/ts/root_later.js';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'root_later.ksy');
let kaitai: KaitaiClass;
beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['RootLater']!;
});

// len_header 3, files at ofs 0 and 2: bodies at 3 (aa bb) and 5 (cc dd).
const sample = Uint8Array.of(3, 0, 2, 0xaa, 0xbb, 0xcc, 0xdd);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('_root fields read after the decode', () => {
  it('reads each body at _root.header.len_header + ofs, as Kaitai does', () => {
    const v = RootLater.decode(sample);
    expect(v.header.files.map((f) => hex(f.body))).toEqual(['aabb', 'ccdd']);
    const k = kaitaiParse(kaitai, sample) as unknown as { header: { files: { body: Uint8Array }[] } };
    expect(k.header.files.map((f) => hex(f.body))).toEqual(['aabb', 'ccdd']);
    // The root field counts as decoded: another len_header moves every body.
    expect(RootLater.decode(Uint8Array.of(1, 0, 2, 0xaa, 0xbb, 0xcc, 0xdd)).header.files.map((f) => hex(f.body))).toEqual(['0002', 'aabb']);
  });

  it('a body past the end fails alone, with a DecodeError naming it', () => {
    const v = RootLater.decode(Uint8Array.of(3, 0, 9, 0xaa, 0xbb, 0xcc, 0xdd));
    expect(hex(v.header.files[0]!.body)).toBe('aabb');
    expect(() => v.header.files[1]!.body).toThrow(DecodeError);
    expect(() => v.header.files[1]!.body).toThrow(/body/);
    expect(() => kaitaiParse(kaitai, Uint8Array.of(3, 0, 9, 0xaa, 0xbb, 0xcc, 0xdd)).header).not.toThrow();
  });

  it('reads _root.table, a parse instance of the root, in a pos inside it, and _root.mask through an element, as Kaitai does', () => {
    // The slots read the input from 0 (raw 3, 0, 2); each target is at slots[raw % 3].ofs_masked (raw & mask).
    const want = [[3, 0xaa], [0, 0xaa], [2, 2]];
    expect(RootLater.decode(sample).table.slots.map((s) => [s.ofsMasked, s.target])).toEqual(want);
    const k = kaitaiParse(kaitai, sample) as unknown as { table: { slots: { ofsMasked: number; target: number }[] } };
    expect(k.table.slots.map((s) => [s.ofsMasked, s.target])).toEqual(want);
    // A target past the end fails alone, as in Kaitai.
    const short = Uint8Array.of(3, 0, 9);
    expect(() => RootLater.decode(short).table.slots[0]!.target).toThrow(DecodeError);
    expect(() => (kaitaiParse(kaitai, short) as unknown as { table: { slots: { target: number }[] } }).table.slots[0]!.target).toThrow();
  });
});
