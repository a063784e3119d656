// Switches whose cases are 64-bit integers, floats, user types with params (declared, or values from
// `_parent`) and raw bytes, and a switch on a boolean (fixture: fixtures/features/switch_cases.ksy;
// its C# is compiled by the .NET test project): checked against Kaitai's own parser.
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { refusalsIn } from '../../interop-tests/support/feature-checks.js';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { asKaitaiNumbers, fromKaitai, instanceDifference, type Value } from '../../interop-tests/support/model-tools.js';
import { mutate, Rng } from '../../tools/fuzz/fuzz.js';
import { SwitchCases, type SwitchCases as SwitchCasesValue } from './fixtures/features/ts/switch_cases.js';
import { loadSpecs } from './load.js';
import type { TypeDef } from './model.js';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'switch_cases.ksy');
let kaitai: KaitaiClass;
let root: TypeDef;

beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['SwitchCases']!;
  root = loadSpecs([fixture])[0]!.root;
});

const sample: SwitchCasesValue = {
  entries: [
    { tag: 1, lenExtra: 0, body: 0xfedcba9876543210n },
    { tag: 2, lenExtra: 0, body: -2n },
    { tag: 3, lenExtra: 0, body: 1.5 },
    { tag: 4, lenExtra: 2, body: { a: 0x0102, b: Uint8Array.of(0xaa, 0xbb) } },
    { tag: 5, lenExtra: 1, body: { data: Uint8Array.of(0xcc) } },
    { tag: 6, lenExtra: 0, body: 7 },
    { tag: 9, lenExtra: 0, body: undefined },
  ],
  hasName: 1,
  flagged: { name: 'hé' },
};
const sampleHex =
  '07' +
  '0100' + '1032547698badcfe' +
  '0200' + 'fffffffffffffffe' +
  '0300' + '000000000000f83f' +
  '0402' + '0201aabb' +
  '0501' + 'cc' +
  '0600' + '07' +
  '0900' +
  '01' + '0368c3a9';

/** undefined when twinmap and Kaitai read the bytes alike (fields and instances), or both fail. */
function difference(bytes: Uint8Array): string | undefined {
  let ours: Value | undefined;
  let theirs: Record<string, unknown> | undefined;
  try {
    ours = SwitchCases.decode(bytes) as unknown as Value;
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

describe('switch cases beyond user types', () => {
  it('writes each case as the type its switch value selects, and Kaitai reads it back', () => {
    const bytes = SwitchCases.encode(sample);
    expect(Buffer.from(bytes).toString('hex')).toBe(sampleHex);
    expect(difference(bytes)).toBeUndefined();
    const back = SwitchCases.decode(bytes);
    expect(back).toEqual(sample);
    expect(SwitchCases.encode(back)).toEqual(bytes);
    // The boolean switch's other case: a number.
    const plain = SwitchCases.encode({ entries: [], hasName: 0, flagged: 0x1234 });
    expect(Buffer.from(plain).toString('hex')).toBe('00' + '00' + '3412');
    expect(difference(plain)).toBeUndefined();
  });

  it('refuses a value that is not what the selected case holds, naming the field', () => {
    const wrong = structuredClone(sample);
    wrong.entries[0]!.body = 5;
    expect(() => SwitchCases.encode(wrong)).toThrow(/entries\[0\]\.body.*expected a bigint for this case/);
    const unknown = structuredClone(sample);
    unknown.entries[6]!.body = 1;
    expect(() => SwitchCases.encode(unknown)).toThrow(/entries\[6\]\.body.*no case matches/);
    const short = structuredClone(sample);
    short.entries[4]!.body = { data: Uint8Array.of(1, 2) };
    expect(() => SwitchCases.encode(short)).toThrow(/data/);
    expect(() => SwitchCases.decode(Buffer.from('010100', 'hex'))).toThrow(/entries\[0\]\.body/);
  });

  it('agrees with Kaitai on damaged inputs', () => {
    const rng = new Rng(5);
    const good = SwitchCases.encode(sample);
    for (let i = 0; i < 400; i++) {
      const bytes = mutate(good, rng);
      expect(difference(bytes), Buffer.from(bytes).toString('hex')).toBeUndefined();
    }
  });
});

describe('refusals name the spec, the place and the case', () => {
  const refusal = refusalsIn('switch-cases');

  it('a bit-sized case is read (switch-bits.test.ts); a bytes case is refused', () => {
    expect(refusal('a', 'meta: {id: a}\nseq:\n  - {id: k, type: u1}\n  - {id: v, type: {switch-on: k, cases: {1: b4}}}\n')).toBe('accepted');
    expect(refusal('d', 'meta: {id: d}\nseq:\n  - {id: k, type: u1}\n  - {id: v, type: {switch-on: k, cases: {1: bytes}}}\n')).toBe(
      "/seq/1 (D.v): switch case '1': 'bytes' is not supported as a switch case (user types, integers, floats, bit-sized integers and strings are)",
    );
  });

});
