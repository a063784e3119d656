// Switches on strings (double- and single-quoted cases, a default, a sized switch)
// and an enum member a u1 cannot hold (fixture: fixtures/features/switch_kinds.ksy; its C# is
// compiled by the .NET test project): checked against Kaitai's own parser.
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { refusalsIn } from '../../interop-tests/support/feature-checks.js';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { asKaitaiNumbers, fromKaitai, instanceDifference, type Value } from '../../interop-tests/support/model-tools.js';
import { mutate, Rng } from '../../tools/fuzz/fuzz.js';
import { State, SwitchKinds, type SwitchKinds as SwitchKindsValue } from './fixtures/features/ts/switch_kinds.js';
import { loadSpecs } from './load.js';
import type { TypeDef } from './model.js';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'switch_kinds.ksy');
let kaitai: KaitaiClass;
let root: TypeDef;

beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['SwitchKinds']!;
  root = loadSpecs([fixture])[0]!.root;
});

const sample: SwitchKindsValue = {
  records: [
    { kind: 'NUMS', body: { items: [1, 2] }, state: State.ON, note: { a: 0xaa, b: 0xbb } },
    { kind: 'TEXT', body: { value: 'hé' }, state: State.OFF, note: { mark: 7 } },
    { kind: 'WORD', body: 0x1234, state: 0xff, note: { a: 1, b: 2 } },
    { kind: 'ZZZZ', body: 9, state: State.ON, note: { a: 3, b: 4 } },
  ],
};
const sampleHex =
  '4e554d53' + '02' + '0001' + '0002' + '01' + 'aabb' +
  '54455854' + '68c3a900' + '00' + '0700' +
  '574f5244' + '1234' + 'ff' + '0102' +
  '5a5a5a5a' + '09' + '01' + '0304';

/** undefined when twinmap and Kaitai read the bytes alike (fields and instances), or both fail. */
function difference(bytes: Uint8Array): string | undefined {
  let ours: Value | undefined;
  let theirs: Record<string, unknown> | undefined;
  try {
    ours = SwitchKinds.decode(bytes) as unknown as Value;
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

describe('switches on strings', () => {
  it('reads and writes the case a string selects, and Kaitai reads it back', () => {
    const bytes = SwitchKinds.encode(sample);
    expect(Buffer.from(bytes).toString('hex')).toBe(sampleHex);
    expect(difference(bytes)).toBeUndefined();
    const back = SwitchKinds.decode(bytes);
    expect(back).toEqual(sample);
    expect(SwitchKinds.encode(back)).toEqual(bytes);
  });

  it('refuses a value that is not what the selected case holds, naming the field', () => {
    const wrong = structuredClone(sample);
    wrong.records[0]!.body = 5;
    expect(() => SwitchKinds.encode(wrong)).toThrow(/body: expected a Nums for this case/);
    const note = structuredClone(sample);
    note.records[1]!.note = { a: 1, b: 2 };
    expect(() => SwitchKinds.encode(note)).toThrow(/records\[1\]\.note\.mark/);
  });

  it('an enum member the field cannot hold (-1 on a u1) never matches: 0xff is just a number', () => {
    const v = SwitchKinds.decode(Buffer.from('574f5244' + '1234' + 'ff' + '0102', 'hex'));
    expect(v.records[0]!.state).toBe(255);
    expect(() => SwitchKinds.encode({ records: [{ ...v.records[0]!, state: State.UNSET }] })).toThrow(/state/);
  });

  it('agrees with Kaitai on damaged inputs', () => {
    const rng = new Rng(7);
    const good = SwitchKinds.encode(sample);
    for (let i = 0; i < 400; i++) {
      const bytes = mutate(good, rng);
      expect(difference(bytes), Buffer.from(bytes).toString('hex')).toBeUndefined();
    }
  });
});

describe('refusals name the spec, the place and the case', () => {
  const refusal = refusalsIn('switch-kinds');

  it('a case key that is not a literal', () => {
    expect(refusal('b', 'meta: {id: b}\nseq:\n  - {id: k, type: u1}\n  - {id: v, type: {switch-on: k, cases: {k + 1: u1}}}\n')).toMatch(
      /^\/seq\/1 \(B\.v\): switch case 'k \+ 1': only integer, enum, boolean and string literals are supported/,
    );
  });
});
