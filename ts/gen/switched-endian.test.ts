// A byte order decided when the type is read (`meta/endian: {switch-on, cases}`), inherited by the
// types inside it, also through a positioned instance read later (fixture:
// fixtures/features/switched_endian.ksy; its C# is compiled by the .NET test project): checked
// against Kaitai's own parser.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBoth, outcome, refusalsIn } from '../../interop-tests/support/feature-checks.js';
import { kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { mutate, Rng } from '../../tools/fuzz/fuzz.js';
import { SwitchedEndian, type SwitchedEndian as SwitchedEndianValue } from './fixtures/features/ts/switched_endian.js';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'switched_endian.ksy');
let kaitai: KaitaiClass;

beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['SwitchedEndian']!;
});

const little = '4949' + '0100' + '04030201' + 'feff' + '0000c03f' + '1234' + '04000000';
const big = '4d4d' + '0001' + '01020304' + 'fffe' + '3fc00000' + '1234' + '00000004';
const item = (x: { a: number; b: number; f: number; fixed: number }): unknown => [x.a, x.b, x.f, x.fixed];
const walk = (v: SwitchedEndianValue): unknown => [v.order, v.body.items.map(item), v.body.tailOfs, outcome(() => item(v.body.tail))];
const both = (bytes: Uint8Array): [unknown, unknown] => decodeBoth((b) => SwitchedEndian.decode(b), kaitai, bytes, walk);

describe('a switchable byte order', () => {
  it('reads the body, its items and a positioned instance in the order the switch value selects, as Kaitai does', () => {
    const want = (order: number): unknown => [order, [[0x01020304, -2, 1.5, 0x1234]], 4, [0x01020304, -2, 1.5, 0x1234]];
    expect(both(Buffer.from(little, 'hex'))).toEqual([want(0x4949), want(0x4949)]);
    expect(both(Buffer.from(big, 'hex'))).toEqual([want(0x4d4d), want(0x4d4d)]);
  });

  it('fails to decode when no case matches the switch value, naming the field', () => {
    expect(() => SwitchedEndian.decode(Buffer.from('0000' + little.slice(4), 'hex'))).toThrow(/body.*endian: no case matches the switch value 0/);
    expect(both(Buffer.from('0000' + little.slice(4), 'hex'))).toEqual(['fails', 'fails']);
  });

  it('is decode-only (no encode method at all)', () => {
    expect('encode' in SwitchedEndian).toBe(false);
  });

  it('agrees with Kaitai on damaged inputs', () => {
    const rng = new Rng(13);
    for (const good of [little, big]) {
      for (let i = 0; i < 300; i++) {
        const bytes = mutate(Buffer.from(good, 'hex'), rng);
        const [ours, theirs] = both(bytes);
        expect(ours, Buffer.from(bytes).toString('hex')).toEqual(theirs);
      }
    }
  });

  it('refuses a type that inherits it but is read inside a type without one', () => {
    const refusal = refusalsIn('switched-endian');
    const text = 'meta: {id: a, endian: le}\nseq:\n  - {id: o, type: u1}\n  - {id: b, type: b}\n  - {id: c, type: b::inner}\ntypes:\n  b:\n    meta: {endian: {switch-on: _root.o, cases: {1: le}}}\n    seq: []\n    types:\n      inner:\n        seq:\n          - {id: x, type: u2}\n';
    expect(refusal('a', text)).toBe('/seq/2 (A.c): Inner inherits a switchable endian, but A (which reads it) has none (not supported)');
  });
});
