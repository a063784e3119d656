// Bit-sized integers wider than 32 bits, up to b64 (fixture: fixtures/features/wide_bits.ksy; its
// C# is compiled by the .NET test project): exact in TS (a bigint past 53 bits) and C# (ulong),
// checked against Kaitai's parser (its JS runtime reads only 32 bits at once; the referee reads
// wider ones in two parts, as Kaitai's other runtimes read them whole).
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { asKaitaiNumbers, fromKaitai, type Value } from '../../interop-tests/support/model-tools.js';
import { mutate, Rng } from '../../tools/fuzz/fuzz.js';
import { WideBits } from './fixtures/features/ts/wide_bits.js';
import { loadSpecs } from './load.js';
import type { TypeDef } from './model.js';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'wide_bits.ksy');
let kaitai: KaitaiClass;
let root: TypeDef;
beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['WideBits']!;
  root = loadSpecs([fixture])[0]!.root;
});

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sample = { exponent: 0x7fff, significand: 2 ** 49 - 1, full: 0xfedcba9876543210n, low: 0x0102030405, wideLow: 0xffeeddccbbaa99n };
const sampleHex = 'ffffffffffffffff' + 'fedcba9876543210' + '0504030201' + '99aabbccddeeff';

describe('bit-sized integers wider than 32 bits', () => {
  it('reads and writes them exactly, as Kaitai reads them', () => {
    const bytes = WideBits.encode(sample);
    expect(hex(bytes)).toBe(sampleHex);
    const v = WideBits.decode(bytes);
    expect({ ...v }).toEqual(sample);
    expect(v.significandTop).toBe(15);
    const k = kaitaiParse(kaitai, bytes);
    expect(asKaitaiNumbers(fromKaitai(k, root, v as unknown as Value))).toEqual(asKaitaiNumbers(v));
    const mixed = WideBits.decode(Buffer.from('8001' + '000000000000' + '0000000000000001' + '0000000080' + '01000000000080', 'hex'));
    expect({ ...mixed }).toEqual({ exponent: 0x4000, significand: 2 ** 48, full: 1n, low: 2 ** 39, wideLow: (1n << 55n) | 1n });
  });

  it('refuses a value that does not fit, naming the field', () => {
    expect(() => WideBits.encode({ ...sample, significand: 2 ** 49 })).toThrow(/significand.*does not fit in 49 bits/);
    expect(() => WideBits.encode({ ...sample, full: 1n << 64n })).toThrow(/full.*does not fit in 64 bits/);
    expect(() => WideBits.encode({ ...sample, wideLow: -1n })).toThrow(/wideLow/);
    expect(() => WideBits.decode(Buffer.from(sampleHex.slice(0, 40), 'hex'))).toThrow(/low/);
  });

  it('agrees with Kaitai on random and damaged inputs', () => {
    const rng = new Rng(8);
    const good = WideBits.encode(sample);
    for (let i = 0; i < 300; i++) {
      const bytes = mutate(good, rng);
      let ours: Value | undefined;
      let theirs: Record<string, unknown> | undefined;
      try {
        ours = WideBits.decode(bytes) as unknown as Value;
      } catch {
        ours = undefined;
      }
      try {
        theirs = kaitaiParse(kaitai, bytes);
      } catch {
        theirs = undefined;
      }
      if (!ours || !theirs) expect(ours === undefined, hex(bytes)).toBe(theirs === undefined);
      else expect(isDeepStrictEqual(asKaitaiNumbers(fromKaitai(theirs, root, ours)), asKaitaiNumbers(ours)), hex(bytes)).toBe(true);
    }
  });
});
