// Seq entries without an id (fixture: fixtures/features/unnamed_entries.ksy; its C# is compiled by
// the .NET test project): read as Kaitai reads them, kept out of sight on the decoded value, and
// written back by encode, zeros when a value was built without them.
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { asKaitaiNumbers, fromKaitai, type Value } from '../../interop-tests/support/model-tools.js';
import { mutate, Rng } from '../../tools/fuzz/fuzz.js';
import { Stamp, UnnamedEntries } from './fixtures/features/ts/unnamed_entries.js';
import { loadSpecs } from './load.js';
import type { TypeDef } from './model.js';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'unnamed_entries.ksy');
let kaitai: KaitaiClass;
let root: TypeDef;
let kaitaiStamp: KaitaiClass;

beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['UnnamedEntries']!;
  kaitaiStamp = (kaitai as unknown as Record<string, KaitaiClass>)['Stamp']!;
  root = loadSpecs([fixture])[0]!.root;
});

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
// len_pad 2, _unnamed1 0x1234, mode 5 and _unnamed3 0x11 in one byte, _unnamed4 beef, tail 7, contents aa
const input = Buffer.from('02' + '1234' + 'b1' + 'beef' + '07' + 'aa', 'hex');

describe('unnamed seq entries', () => {
  it('reads them as Kaitai does and keeps them out of sight of the value', () => {
    const v = UnnamedEntries.decode(input);
    expect(v).toEqual({ lenPad: 2, mode: 5, tail: 7 });
    expect(Object.keys(v)).toEqual(['lenPad', 'mode', 'tail']);
    expect([v._unnamed1, v._unnamed3, hex(v._unnamed4!)]).toEqual([0x1234, 0x11, 'beef']);
    const k = kaitaiParse(kaitai, input) as Record<string, unknown>;
    expect([k['_unnamed1'], k['_unnamed3'], hex(k['_unnamed4'] as Uint8Array)]).toEqual([0x1234, 0x11, 'beef']);
    expect(asKaitaiNumbers(fromKaitai(k, root, v as unknown as Value))).toEqual(asKaitaiNumbers(v));
  });

  it('writes them back, and zeros when the value has none', () => {
    expect(hex(UnnamedEntries.encode(UnnamedEntries.decode(input)))).toBe(hex(input));
    expect(hex(UnnamedEntries.encode({ lenPad: 3, mode: 7, tail: 1 }))).toBe('03' + '0000' + 'e0' + '000000' + '01' + 'aa');
    expect(hex(UnnamedEntries.encode({ ...UnnamedEntries.decode(input) }))).toBe('02' + '0000' + 'a0' + '0000' + '07' + 'aa');
    expect(() => UnnamedEntries.encode({ lenPad: 1, mode: 0, tail: 0, _unnamed4: Uint8Array.of(1, 2) })).toThrow(/_unnamed4/);
    expect(() => UnnamedEntries.decode(Buffer.from('05123400', 'hex'))).toThrow(/_unnamed4/);
  });

  it('reads an unnamed sized string as Kaitai does, writes it back, and NULs without it; a cast in an index', () => {
    const bytes = Buffer.from('32303236' + '03' + '0a0b', 'hex');
    const v = Stamp.decode(bytes);
    const k = kaitaiParse(kaitaiStamp, bytes) as Record<string, unknown>;
    expect(v).toEqual({ day: 3, marks: [10, 11] });
    expect([v._unnamed0, v.mark]).toEqual(['2026', 11]);
    expect([k['_unnamed0'], k['mark']]).toEqual(['2026', 11]);
    expect(hex(Stamp.encode(v))).toBe(hex(bytes));
    expect(hex(Stamp.encode({ day: 4, marks: [1, 2] }))).toBe('00000000' + '04' + '0102');
    expect(Stamp.decode(Stamp.encode({ day: 4, marks: [1, 2] })).mark).toBe(1);
    expect(() => Stamp.encode({ day: 0, marks: [0, 0], _unnamed0: '20261' })).toThrow(/_unnamed0/);
  });

  it('agrees with Kaitai on damaged inputs', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 300; i++) {
      const bytes = mutate(input, rng);
      let ours: unknown;
      let theirs: Record<string, unknown> | undefined;
      try {
        ours = UnnamedEntries.decode(bytes);
      } catch {
        ours = undefined;
      }
      try {
        theirs = kaitaiParse(kaitai, bytes);
      } catch {
        theirs = undefined;
      }
      if (!ours || !theirs) expect(ours === undefined, hex(bytes)).toBe(theirs === undefined);
      else expect(isDeepStrictEqual(asKaitaiNumbers(fromKaitai(theirs, root, ours as Value)), asKaitaiNumbers(ours)), hex(bytes)).toBe(true);
      if (ours) expect(hex(UnnamedEntries.encode(ours as ReturnType<typeof UnnamedEntries.decode>))).toBe(hex(bytes.subarray(0, UnnamedEntries.sizeOf(ours as ReturnType<typeof UnnamedEntries.decode>))));
    }
  });
});
