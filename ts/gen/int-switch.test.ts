// Switches whose cases are integers (`cases: {0xff: s4, _: u1}`): the switch value picks the
// integer type, as in Kaitai; checked against Kaitai's own parser
// (fixture: fixtures/features/int_switch.ksy; its C# is compiled by the .NET test project).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { IntSwitch, IntSwitchKind } from './fixtures/features/ts/int_switch.js';

let kaitai: KaitaiClass;
beforeAll(async () => {
  kaitai = (await kaitaiParsers(join(import.meta.dirname, 'fixtures', 'features', 'int_switch.ksy')))['IntSwitch']!;
});

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('a switch of integers', () => {
  it('reads the integer type the switch value selects, and computes with it, as Kaitai does', () => {
    const cases = [
      { first: 0xff, more: -2, kind: IntSwitchKind.SHORT, extra: -3, bytes: 'fffffffffe01fffd', value: -2 },
      { first: 0xfe, more: 0x0102, kind: IntSwitchKind.WORD, extra: 7, bytes: 'fe02010200000007', value: (0xfe << 8 | 0x0102) - 0xc000 },
      { first: 0x81, more: 5, kind: 9, extra: undefined, bytes: '810509', value: (0x81 << 8 | 5) - 0xc000 },
      { first: 0x10, kind: 9, extra: undefined, bytes: '1009', value: 0x10 },
    ];
    for (const { bytes, value, ...v } of cases) {
      expect(hex(IntSwitch.encode(v))).toBe(bytes);
      const d = IntSwitch.decode(Buffer.from(bytes, 'hex'));
      expect({ first: d.first, more: d.more, kind: d.kind, extra: d.extra, value: d.value }).toEqual({ more: undefined, ...v, value });
      const k = kaitaiParse(kaitai, Buffer.from(bytes, 'hex')) as { more?: number; extra?: number | null; value: number };
      expect([k.more ?? undefined, k.extra ?? undefined, k.value]).toEqual([v.more, v.extra, value]);
    }
  });

  it('refuses a value the selected case cannot hold, or one where no case is selected, naming the field', () => {
    expect(() => IntSwitch.encode({ first: 0x81, more: 256, kind: 1, extra: 0 })).toThrow(/more.*256 is not an integer in \[0, 255\]/);
    expect(() => IntSwitch.encode({ first: 0x10, kind: 9, extra: 4 })).toThrow(/extra.*no case matches/);
    expect(() => IntSwitch.encode({ first: 0x10, kind: 1, extra: undefined })).toThrow(/extra/);
    expect(() => IntSwitch.decode(Uint8Array.of(0xff, 1, 2))).toThrow(/more/);
  });
});
