// Switch cases that are bit-sized integers (read from the bit stream, in the spec's bit order) and
// strings (`str`/`strz`, a sized switch's string taking its size), and repeated switches with no
// element where no case matches (fixtures: fixtures/features/switch_bits.ksy, writable, and
// switch_nibbles.ksy, decode-only: cases of bits that are not whole bytes; their C# is compiled by
// the .NET test project): checked against Kaitai's own parser.
import fc from 'fast-check';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { refusalsIn } from '../../interop-tests/support/feature-checks.js';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { arbitraryOf, asKaitaiNumbers, fromKaitai, instanceDifference, type Value } from '../../interop-tests/support/model-tools.js';
import { mutate, Rng } from '../../tools/fuzz/fuzz.js';
import { SwitchBits, type SwitchBits as SwitchBitsValue } from './fixtures/features/ts/switch_bits.js';
import { SwitchNibbles } from './fixtures/features/ts/switch_nibbles.js';
import { loadSpecs } from './load.js';
import type { TypeDef } from './model.js';

const dir = join(import.meta.dirname, 'fixtures', 'features');
let kaitaiBits: KaitaiClass;
let kaitaiNibbles: KaitaiClass;
let bitsRoot: TypeDef;
let nibblesRoot: TypeDef;

beforeAll(async () => {
  kaitaiBits = (await kaitaiParsers(join(dir, 'switch_bits.ksy')))['SwitchBits']!;
  kaitaiNibbles = (await kaitaiParsers(join(dir, 'switch_nibbles.ksy')))['SwitchNibbles']!;
  bitsRoot = loadSpecs([join(dir, 'switch_bits.ksy')])[0]!.root;
  nibblesRoot = loadSpecs([join(dir, 'switch_nibbles.ksy')])[0]!.root;
});

const sample: SwitchBitsValue = {
  records: [
    { kind: 1, value: 0x123456, label: 'ab', parts: [7, 8] },
    { kind: 2, value: 0x0102030405, label: Uint8Array.of(0xaa, 0xbb, 0xcc), parts: [0x1234, 5] },
    { kind: 3, value: 'hé', label: 'xyz', parts: [] },
    { kind: 4, value: (1n << 63n) + 5n, label: Uint8Array.of(0, 0, 0), parts: [] },
    { kind: 5, value: 0x123456, label: Uint8Array.of(0xff, 0xff, 0xff), parts: [1, 2] },
    { kind: 0, value: undefined, label: Uint8Array.of(1, 2, 3), parts: [] },
  ],
};
const sampleHex =
  '01' + '123456' + '616200' + '0708' +
  '02' + '000102030405' + 'aabbcc' + '3412' + '0500' +
  '03' + '68c3a900' + '78797a' +
  '04' + '8000000000000005' + '000000' +
  '05' + '563412' + 'ffffff' + '0102' +
  '00' + '010203';

/** undefined when twinmap and Kaitai read the bytes alike (fields and instances), or both fail. */
function difference(decode: (b: Uint8Array) => unknown, kaitai: KaitaiClass, root: TypeDef, bytes: Uint8Array): string | undefined {
  let ours: Value | undefined;
  let theirs: Record<string, unknown> | undefined;
  try {
    ours = decode(bytes) as Value;
  } catch (e) {
    if ((e as Error).name !== 'DecodeError') return `twinmap crashed: ${String(e)}`;
  }
  try {
    theirs = kaitaiParse(kaitai, bytes);
  } catch {
    theirs = undefined;
  }
  if (!ours || !theirs) return ours === theirs ? undefined : `only one reads it (twinmap ${ours ? 'does' : 'fails'})`;
  if (!isDeepStrictEqual(asKaitaiNumbers(fromKaitai(theirs, root, ours)), asKaitaiNumbers(ours))) return `fields differ: Kaitai ${JSON.stringify(asKaitaiNumbers(fromKaitai(theirs, root, ours)))}`;
  return instanceDifference(ours, theirs, root);
}
const bitsDifference = (bytes: Uint8Array): string | undefined => difference((b) => SwitchBits.decode(b), kaitaiBits, bitsRoot, bytes);
const nibblesDifference = (bytes: Uint8Array): string | undefined => difference((b) => SwitchNibbles.decode(b), kaitaiNibbles, nibblesRoot, bytes);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('switch cases of bit-sized integers and strings', () => {
  it('writes each case as the type its switch value selects, and Kaitai reads it back', () => {
    const bytes = SwitchBits.encode(sample);
    expect(hex(bytes)).toBe(sampleHex);
    expect(bitsDifference(bytes)).toBeUndefined();
    const back = SwitchBits.decode(bytes);
    expect(back).toEqual(sample);
    expect(SwitchBits.encode(back)).toEqual(bytes);
    expect(SwitchBits.sizeOf(sample)).toBe(bytes.length);
  });

  it('random values: what twinmap writes, Kaitai reads as the same values', () => {
    fc.assert(
      fc.property(arbitraryOf(bitsRoot), (v) => {
        const bytes = SwitchBits.encode(v as unknown as SwitchBitsValue);
        expect(bitsDifference(bytes)).toBeUndefined();
        expect(asKaitaiNumbers(fromKaitai(kaitaiParse(kaitaiBits, bytes), bitsRoot, v))).toEqual(asKaitaiNumbers(v));
      }),
      { numRuns: 150, seed: 4 },
    );
  });

  it('refuses a value that is not what the selected case holds, naming the field', () => {
    const withValue = (i: number, value: unknown): SwitchBitsValue => {
      const v = structuredClone(sample);
      (v.records[i] as { value: unknown }).value = value;
      return v;
    };
    expect(() => SwitchBits.encode(withValue(0, 'x'))).toThrow(/records\[0\]\.value.*expected a number for this case/);
    expect(() => SwitchBits.encode(withValue(0, 0x1000000))).toThrow(/records\[0\]\.value/);
    expect(() => SwitchBits.encode(withValue(2, 5))).toThrow(/records\[2\]\.value.*expected a string for this case/);
    expect(() => SwitchBits.encode(withValue(2, 'a\0b'))).toThrow(/records\[2\]\.value/);
    expect(() => SwitchBits.encode(withValue(5, 1))).toThrow(/records\[5\]\.value.*no case matches/);
    // A sized `str` case takes exactly its size; a `strz` one at most that.
    const label = structuredClone(sample);
    label.records[2]!.label = 'xy';
    expect(() => SwitchBits.encode(label)).toThrow(/records\[2\]\.label.*is 2 bytes, the spec says 3/);
    label.records[2]!.label = 'xyz';
    label.records[0]!.label = 'abcd';
    expect(() => SwitchBits.encode(label)).toThrow(/records\[0\]\.label/);
    // No case matches `parts`: it has no elements, whatever the count says.
    const parts = structuredClone(sample);
    parts.records[5]!.parts = [1, 2];
    expect(() => SwitchBits.encode(parts)).toThrow(/records\[5\]\.parts/);
    parts.records[5]!.parts = [];
    parts.records[0]!.parts = [1];
    expect(() => SwitchBits.encode(parts)).toThrow(/records\[0\]\.parts/);
  });

  it('agrees with Kaitai on damaged inputs', () => {
    const rng = new Rng(9);
    const good = SwitchBits.encode(sample);
    for (let i = 0; i < 400; i++) {
      const bytes = mutate(good, rng);
      expect(bitsDifference(bytes), hex(bytes)).toBeUndefined();
    }
  });
});

describe('switch cases of bits that are not whole bytes (decode-only)', () => {
  it('reads nibbles and flags from the bit stream as Kaitai does, with no element where no case matches', () => {
    // width 4: digits are the two nibbles of 0x21 (little-endian bits: low nibble first), flags three b1.
    const nibbles = SwitchNibbles.decode(Buffer.from('04' + '21ff' + '05', 'hex'));
    expect({ width: nibbles.width, digits: nibbles.packed.digits, flags: nibbles.flags, total: nibbles.total }).toEqual({ width: 4, digits: [1, 2], flags: [true, false, true], total: 3 });
    // width 8: digits are bytes, flags three b3 (big-endian bits).
    const bytes = SwitchNibbles.decode(Buffer.from('08' + '0a0b' + 'fac0', 'hex'));
    expect({ digits: bytes.packed.digits, flags: bytes.flags }).toEqual({ digits: [10, 11], flags: [7, 6, 5] });
    // No case: no digits, no flags (the instance then computes NaN, as in Kaitai's JS).
    const none = SwitchNibbles.decode(Buffer.from('03' + '0000', 'hex'));
    expect({ digits: none.packed.digits, flags: none.flags, total: none.total }).toEqual({ digits: [], flags: [], total: NaN });
    for (const h of ['04' + '21ff' + '05', '08' + '0a0b' + 'fac0', '03' + '0000', '01' + '0000' + '010203']) expect(nibblesDifference(Buffer.from(h, 'hex')), h).toBeUndefined();
    expect('encode' in SwitchNibbles).toBe(false);
  });

  it('agrees with Kaitai on random bytes', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 400; i++) {
      const bytes = Uint8Array.from({ length: rng.below(8) }, (_, k) => (k === 0 ? [1, 4, 8, 3][rng.below(4)]! : rng.below(256)));
      expect(nibblesDifference(bytes), hex(bytes)).toBeUndefined();
    }
  });
});

describe('refusals name the spec, the place and the case', () => {
  const refusal = refusalsIn('switch-bits');

  it('a bytes case, and a str case without a size', () => {
    expect(refusal('a', 'meta: {id: a}\nseq:\n  - {id: k, type: u1}\n  - {id: v, type: {switch-on: k, cases: {1: bytes}}}\n')).toBe(
      "/seq/1 (A.v): switch case '1': 'bytes' is not supported as a switch case (user types, integers, floats, bit-sized integers and strings are)",
    );
    expect(refusal('b', 'meta: {id: b, encoding: UTF-8}\nseq:\n  - {id: k, type: u1}\n  - {id: v, type: {switch-on: k, cases: {1: str}}}\n')).toBe(
      "/seq/1 (B.v): switch case '1': str needs a size (give the switch a size or size-eos)",
    );
  });

  it('a field after a case of bits that are not whole bytes', () => {
    expect(refusal('c', 'meta: {id: c}\nseq:\n  - {id: k, type: u1}\n  - {id: v, type: {switch-on: k, cases: {1: b4}}}\n  - {id: w, type: u1}\n')).toMatch(
      /^\/seq\/2 \(C\.w\): a field after a nested type that ends inside a byte/,
    );
  });
});
