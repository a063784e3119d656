// A counted list of elements that may be 0 bytes long (fixture: fixtures/features/zero_sized.ksy):
// read as Kaitai reads it, except that the count is bounded by the bytes left, so a hostile count
// neither loops nor allocates for as long as it says.
import { beforeAll, describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { ZeroSized } from './fixtures/features/ts/zero_sized.js';
import { join } from 'node:path';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'zero_sized.ksy');
let kaitai: KaitaiClass;

beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['ZeroSized']!;
});

const input = (count: number, len: number, rest: number[] = []): Uint8Array => {
  const b = new Uint8Array(5 + rest.length);
  new DataView(b.buffer).setUint32(0, count, true);
  b[4] = len;
  b.set(rest, 5);
  return b;
};
const count = (v: { items: unknown[] }): number => v.items.length;

describe('elements that may be 0 bytes long', () => {
  it('reads them as Kaitai does (empty items, and sized ones)', () => {
    for (const bytes of [input(3, 0), input(2, 2, [1, 2, 3, 4]), input(0, 9), input(256, 0)]) {
      expect(count(ZeroSized.decode(bytes))).toBe(count(kaitaiParse(kaitai, bytes) as unknown as Parameters<typeof count>[0]));
    }
    expect(ZeroSized.decode(input(256, 0)).items).toHaveLength(256);
  });

  it('refuses a count above the bytes left (or 256) at once, with a DecodeError naming the list', () => {
    expect(() => ZeroSized.decode(input(0xffffffff, 0))).toThrow(/ZeroSized\.items at byte 5: count 4294967295 of elements that may be 0 bytes long is more than the bytes left \(0; at most 256 when fewer are left\)/);
    expect(() => ZeroSized.decode(input(257, 0))).toThrow(/count 257 of elements/);
    // One per byte left is allowed: 300 empty items with 300 bytes after them.
    expect(ZeroSized.decode(input(300, 0, new Array<number>(300).fill(7))).items).toHaveLength(300);
  });

  it('encodes what it decodes (each item padded to len_item bytes)', () => {
    const v = ZeroSized.decode(input(2, 2, [0, 0, 0, 0]));
    expect([...ZeroSized.encode(v)]).toEqual([...input(2, 2, [0, 0, 0, 0])]);
    expect([...ZeroSized.encode({ lenItem: 0, items: [{}, {}, {}] })]).toEqual([...input(3, 0)]);
  });
});
