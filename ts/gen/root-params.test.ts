// A root type with params (fixture: fixtures/features/root_params.ksy; its C# is compiled by the
// .NET test project): decoded and encoded with the param values the caller gives, which Kaitai's
// parser gets too.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { mutate, Rng } from '../../tools/fuzz/fuzz.js';
import { RootParams } from './fixtures/features/ts/root_params.js';

let kaitai: KaitaiClass;
beforeAll(async () => {
  kaitai = (await kaitaiParsers(join(import.meta.dirname, 'fixtures', 'features', 'root_params.ksy')))['RootParams']!;
});

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = Buffer.from('0102030478563412', 'hex');

describe('a root type with params', () => {
  it('reads with the params the caller gives, as Kaitai does', () => {
    const cases = [
      { params: { lenData: 4, hasChecksum: true }, data: '01020304', checksum: 0x12345678, total: 8 },
      { params: { lenData: 2, hasChecksum: false }, data: '0102', checksum: undefined, total: 2 },
    ];
    for (const { params, data, checksum, total } of cases) {
      const v = RootParams.decode(bytes, params);
      expect([hex(v.data), v.checksum, v.total]).toEqual([data, checksum, total]);
      const k = kaitaiParse(kaitai, bytes, [params.lenData, params.hasChecksum]) as { data: Uint8Array; checksum?: number; total: number };
      expect([hex(k.data), k.checksum ?? undefined, k.total]).toEqual([data, checksum, total]);
      expect(RootParams.decodeWithSize(bytes, params).size).toBe(total);
    }
  });

  it('writes with the params, refusing a value they do not fit', () => {
    const params = { lenData: 3, hasChecksum: true };
    const out = RootParams.encode({ data: Uint8Array.of(9, 8, 7), checksum: 1 }, params);
    expect(hex(out)).toBe('09080701000000');
    expect(RootParams.sizeOf({ data: Uint8Array.of(9, 8, 7), checksum: 1 }, params)).toBe(7);
    expect(() => RootParams.encode({ data: Uint8Array.of(1) }, params)).toThrow(/RootParams\.data/);
    expect(() => RootParams.encode({ data: Uint8Array.of(1, 2, 3) }, params)).toThrow(/checksum/);
    expect(() => RootParams.decode(Uint8Array.of(1, 2), params)).toThrow(/RootParams\.data/);
  });

  it('agrees with Kaitai on damaged inputs and other params', () => {
    const rng = new Rng(4);
    for (let i = 0; i < 300; i++) {
      const input = mutate(bytes, rng);
      const params = { lenData: rng.below(10), hasChecksum: rng.below(2) === 1 };
      let ours: unknown;
      let theirs: unknown;
      try {
        const v = RootParams.decode(input, params);
        ours = [hex(v.data), v.checksum, v.total];
      } catch (e) {
        expect((e as Error).name).toBe('DecodeError');
      }
      try {
        const k = kaitaiParse(kaitai, input, [params.lenData, params.hasChecksum]) as { data: Uint8Array; checksum?: number; total: number };
        theirs = [hex(k.data), k.checksum ?? undefined, k.total];
      } catch {
        theirs = undefined;
      }
      expect(ours, hex(input)).toEqual(theirs);
    }
  });
});
