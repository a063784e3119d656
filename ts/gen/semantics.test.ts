// Corners of Kaitai's semantics that generated code follows exactly, each checked against
// Kaitai's own parser where it reads the bytes (fixture: fixtures/features/edge_cases.ksy).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { BitFields, Kind, type BitFields as BitFieldsValue } from './fixtures/features/ts/bit_fields.js';
import { BigCode, EdgeCases, SlotView, type EdgeCases as EdgeCasesValue } from './fixtures/features/ts/edge_cases.js';
import { TextEncodings } from './fixtures/features/ts/text_encodings.js';
import { ValidRules } from './fixtures/features/ts/valid_rules.js';
import { DecodeError, EncodeError } from './runtime/twinmap-runtime.js';
import { generateFiles, SpecError } from './index.js';
import { loadSpecs } from './load.js';

const root = join(import.meta.dirname, '..', '..');
const fixture = join(import.meta.dirname, 'fixtures', 'features', 'edge_cases.ksy');
const scratch = mkdtempSync(join(tmpdir(), 'twinmap-semantics-'));
let kaitai: KaitaiClass;

beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['EdgeCases']!;
});

function sample(over: Partial<EdgeCasesValue> = {}): EdgeCasesValue {
  return {
    blob: Uint8Array.of(1, 2, 3),
    text: 'hi',
    kind: 1,
    body: { x: -1, y: 2 },
    a: 3,
    b: 1,
    items: [7, 8],
    grid: new Uint8Array(3),
    bigCode: BigCode.PATTERN,
    nested: { hi: 0x01020304, lo: -2, inner: { v: 0x0506 } },
    slot: { offset: 9, read: 10, bytes: 11 },
    tail: new Uint8Array(11).fill(4),
    records: [new Uint8Array(5), new Uint8Array(5).fill(1), new Uint8Array(5).fill(2)],
    name: 'ab',
    padded: Uint8Array.of(1, 2),
    line: Uint8Array.of(65, 66),
    word: 'w\0',
    lastItem: 'x',
    note: 'end',
    ...over,
  };
}

describe('generated code follows Kaitai', () => {
  it('keeps a leading U+FEFF in a UTF-8 string (it is data, not a marker)', () => {
    const bytes = EdgeCases.encode(sample({ text: '\ufeffhi' }));
    expect(EdgeCases.decode(bytes).text).toBe('\ufeffhi');
    expect(kaitaiParse(kaitai, bytes)['text']).toBe('\ufeffhi');
    expect(EdgeCases.encode(EdgeCases.decode(bytes))).toEqual(bytes);
  });

  it('decodes ASCII strings of any length', () => {
    const note = 'x'.repeat(300_000);
    const bytes = EdgeCases.encode(sample({ note }));
    expect(EdgeCases.decode(bytes).note).toBe(note);
  });

  it('range-checks the fields a size is computed from before computing it', () => {
    let err: unknown;
    try {
      EdgeCases.encode(sample({ a: 10, b: -1 }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EncodeError);
    expect((err as EncodeError).fieldPath).toBe('EdgeCases.b');
  });

  it('gives no value to an if field whose switch has no matching case, and encodes that', () => {
    const bytes = EdgeCases.encode(sample({ kind: 2, body: undefined }));
    expect(EdgeCases.decode(bytes).body).toBeUndefined();
    expect(kaitaiParse(kaitai, bytes)['body']).toBeUndefined();
    expect(() => EdgeCases.encode(sample({ kind: 1, body: undefined }))).toThrow(/body: expected a Xy/);
  });

  it('reads zero items for a negative repeat-expr count', () => {
    const bytes = EdgeCases.encode(sample({ a: 1, b: 5, items: [], grid: new Uint8Array(5) }));
    expect(EdgeCases.decode(bytes).items).toEqual([]);
    expect(kaitaiParse(kaitai, bytes)['items']).toEqual([]);
    expect(() => EdgeCases.encode(sample({ a: 1, b: 5, items: [1], grid: new Uint8Array(5) }))).toThrow(/items: has 1 elements, the spec says -4/);
  });

  it("reads a nested type's fields in its own meta/endian; its nested types inherit it", () => {
    const bytes = EdgeCases.encode(sample());
    const k = kaitaiParse(kaitai, bytes)['nested'] as Record<string, unknown>;
    expect(k['hi']).toBe(0x01020304);
    expect((k['inner'] as Record<string, unknown>)['v']).toBe(0x0506);
    expect(EdgeCases.decode(bytes).nested).toEqual({ hi: 0x01020304, lo: -2, inner: { v: 0x0506 } });
    const at = bytes.findIndex((_, i) => bytes[i] === 1 && bytes[i + 1] === 2 && bytes[i + 2] === 3 && bytes[i + 3] === 4);
    expect(Array.from(bytes.subarray(at, at + 8))).toEqual([1, 2, 3, 4, 0xff, 0xfe, 5, 6]);
  });

  it('reads 64-bit enum values exactly', () => {
    expect(BigCode.ALL_BUT_TOP).toBe(0x7fffffffffffffffn);
    const bytes = EdgeCases.encode(sample({ bigCode: BigCode.ALL_BUT_TOP }));
    expect(EdgeCases.decode(bytes).bigCode).toBe(9223372036854775807n);
  });

  it('keeps a field named like a view member under its own name in values; the view adds _', () => {
    const bytes = EdgeCases.encode(sample());
    expect(EdgeCases.decode(bytes).slot).toEqual({ offset: 9, read: 10, bytes: 11 });
    const v = new SlotView(Uint8Array.of(9, 0, 0, 0, 10, 0, 11), 0);
    expect([v.offset_, v.read, v.bytes_, v.offset]).toEqual([9, 10, 11, 0]);
  });

  it('a 64-bit length that does not fit a safe integer is a DecodeError', () => {
    const bytes = EdgeCases.encode(sample());
    bytes.fill(0xff, 0, 8);
    expect(() => EdgeCases.decode(bytes)).toThrow(DecodeError);
  });
});

describe('terminator, pad-right, include and eos-error', () => {
  it('write bytes that Kaitai reads back as the same values', () => {
    const bytes = EdgeCases.encode(sample());
    const k = kaitaiParse(kaitai, bytes);
    expect([k['name'], Array.from(k['padded'] as Uint8Array), Array.from(k['line'] as Uint8Array), k['word'], k['lastItem']]).toEqual(['ab', [1, 2], [65, 66], 'w\0', 'x']);
    const tail = Buffer.from(bytes).toString('latin1');
    expect(tail).toContain('ab\0     \x01\x02\xff\xffAB\nw\0x;end');
  });

  it('refuse values that would not read back', () => {
    expect(() => EdgeCases.encode(sample({ name: 'a\0b' }))).toThrow(/name: holds its terminator byte 0x0/);
    expect(() => EdgeCases.encode(sample({ padded: Uint8Array.of(1, 0xff) }))).toThrow(/padded: ends with its pad byte 0xff/);
    expect(() => EdgeCases.encode(sample({ word: 'w' }))).toThrow(/word: must end with its terminator/);
    expect(() => EdgeCases.encode(sample({ name: 'x'.repeat(9) }))).toThrow(/name: is 9 bytes, the spec gives it 8/);
  });

  it('read a missing terminator at the end as the rest (eos-error: false), like Kaitai', () => {
    const bytes = EdgeCases.encode(sample({ note: '' }));
    const cut = bytes.subarray(0, bytes.length - 1); // drop the ';'
    expect(EdgeCases.decode(cut).lastItem).toBe('x');
    expect(kaitaiParse(kaitai, cut)['lastItem']).toBe('x');
  });
});

describe('the loader', () => {
  function spec(name: string, text: string): string {
    const p = join(scratch, `${name}.ksy`);
    writeFileSync(p, text);
    return p;
  }

  it("ignores keys that start with '-', as Kaitai does", () => {
    const p = spec('dash', 'meta:\n  id: dash\n  -orig-id: x\nseq:\n  - id: a\n    type: u1\n    -webide-representation: "{a}"\ntypes:\n  t:\n    -affected-by: 1\n    seq: []\n');
    expect(loadSpecs([p])[0]!.root.fields.map((f) => f.id)).toEqual(['a']);
  });

  it('takes YAML booleans as enum member names and ignores to-string, as Kaitai does', () => {
    const p = spec('boolenum', 'meta:\n  id: boolenum\nseq:\n  - id: a\n    type: u1\n    enum: flag\nto-string: a.to_s\nenums:\n  flag:\n    0: false\n    1: true\n');
    expect(loadSpecs([p])[0]!.root.enums[0]!.members.map((m) => m.id)).toEqual(['false', 'true']);
  });

  it('takes an enum member its field cannot hold (-1 on a u1): it never matches, as in Kaitai', async () => {
    const p = spec('neg', 'meta:\n  id: neg\nseq:\n  - id: a\n    type: u1\n    enum: e\nenums:\n  e:\n    -1: min_key\n    1: one\n');
    expect(new Set(loadSpecs([p])[0]!.root.enums[0]!.members.map((m) => m.exact))).toEqual(new Set([-1n, 1n]));
    const files = await generateFiles([p], { cs: 'neg', namespace: 'Neg' });
    // C#: the enum is based on a 64-bit integer that holds every member; the field stays a byte.
    expect(files.find((f) => f.path.endsWith('Neg.g.cs'))?.text).toMatch(/enum E : long[\s\S]*MinKey = -1,[\s\S]*public byte A;/);
  });

  it('counts a repeat: until as at least one element: a list of such lists may repeat to the end', () => {
    const text = (until: string): string =>
      `meta:\n  id: vlqs\nseq:\n  - id: items\n    type: vlq\n    repeat: eos\ntypes:\n  vlq:\n    seq:\n      - id: groups\n        type: u1\n        repeat: ${until}\n`;
    const p = spec('vlqs', text('until\n        repeat-until: _ < 0x80'));
    const vlq = loadSpecs([p])[0]!.root.types[0]!;
    expect(vlq.minSize).toBe(1);
    expect(loadSpecs([p])[0]!.root.fields[0]!.mayStall).toBeUndefined();
    // A repeat: expr of them may still be empty (count 0): repeating that to the end checks that
    // each element moved the stream on (a DecodeError where one read nothing; Kaitai loops there).
    expect(loadSpecs([spec('vlqs0', text('expr\n        repeat-expr: 0'))])[0]!.root.fields[0]!.mayStall).toBe(true);
    // Such elements read by their index could differ from one to the next: refused.
    const byIndex = 'meta:\n  id: vlqs1\nseq:\n  - id: items\n    type: vlq(_index)\n    repeat: eos\ntypes:\n  vlq:\n    params:\n      - id: n\n        type: u1\n    seq:\n      - id: groups\n        type: u1\n        repeat: expr\n        repeat-expr: n\n';
    expect(() => loadSpecs([spec('vlqs1', byIndex)])).toThrow(/\/seq\/0 \(Vlqs1\.items\): repeat: eos of elements that can be 0 bytes long, read or tested by their index/);
  });

  it('refuses a nested meta key it does not support, by name', () => {
    const p = spec('nmeta', 'meta:\n  id: nmeta\ntypes:\n  t:\n    meta:\n      xref: x\n    seq: []\n');
    expect(() => loadSpecs([p])).toThrow(/\/types\/t\/meta\/xref: meta key 'xref' is not supported in a nested type/);
  });
});

describe('twinmap gen --cs', () => {
  it('writes TypeScript and C# for repeated fixed-size byte arrays (no crash)', () => {
    const p = join(scratch, 'recs.ksy');
    writeFileSync(p, 'meta:\n  id: recs\nseq:\n  - id: records\n    size: 5\n    repeat: expr\n    repeat-expr: 3\n');
    const out = join(scratch, 'recs');
    execFileSync(process.execPath, [join(root, 'dist', 'ts', 'cli.js'), 'gen', p, '--ts', out, '--cs', out], { stdio: 'pipe' });
    expect(existsSync(join(out, 'recs.ts'))).toBe(true);
    expect(existsSync(join(out, 'Recs.g.cs'))).toBe(true);
  });
});

describe('bit-sized integers and text encodings', () => {
  const bits = (): BitFieldsValue => ({
    version: 5,
    hasExtra: true,
    kind: Kind.THREE,
    lenPayload: 3,
    numFlags: 2,
    payload: Uint8Array.of(1, 2, 3),
    flags: [true, false],
    extra: 9,
    counter: 7,
    lePart: { low: 1, mid: 2, high: 3, mixed: 4, last: 5 },
    packed: [1, 2, 3, 4],
    tail: [6, 7],
  });

  it('packs bit fields as Kaitai reads them (most significant bit first by default, little-endian where the spec says)', () => {
    const hex = Buffer.from(BitFields.encode(bits())).toString('hex');
    // version 101, hasExtra 1, kind 0011 -> b3; the le_bits type starts with low = 1 in bit 0.
    expect(hex).toBe('b300320102038480070011300000450420c467');
    expect(kaitaiParseBits(BitFields.encode(bits()))).toMatchObject({ version: 5, hasExtra: true, kind: 3, counter: 7 });
  });

  it('refuses bit values that do not fit, and a run to the end that leaves part of a byte', () => {
    expect(() => BitFields.encode({ ...bits(), lePart: { ...bits().lePart, mid: 512 } })).toThrow(/lePart\.mid.*does not fit in 9 bits/);
    expect(() => BitFields.encode({ ...bits(), tail: [1, 2, 3] })).toThrow(/tail.*bits of its last byte unused/);
    expect(() => BitFields.decode(Uint8Array.of(0x13))).toThrow(/version.*expected 5, found 0/);
  });

  it('writes UTF-16 with a two-byte terminator and refuses characters an encoding lacks', () => {
    const v = { wide: 'h', fixedWide: 'abcd', big: 'z', boxedBig: 'ok', latin: 'caf\u00e9', cyrillic: '\u043f', rest: '' };
    const bytes = TextEncodings.encode(v);
    expect(TextEncodings.decode(bytes)).toEqual(v);
    expect(Buffer.from(bytes).toString('hex')).toContain('007a0000'); // "z" in UTF-16BE, then 00 00
    expect(() => TextEncodings.encode({ ...v, latin: '\u20ac' })).toThrow(/latin.*not in ISO-8859-1/);
    expect(() => TextEncodings.encode({ ...v, cyrillic: '\u00e9' })).toThrow(/cyrillic.*not in windows-1251/);
    expect(() => TextEncodings.encode({ ...v, wide: '\ud800' })).toThrow(/lone surrogate/);
  });
});

let bitsParser: KaitaiClass | undefined;
function kaitaiParseBits(bytes: Uint8Array): Record<string, unknown> {
  return kaitaiParse(bitsParser!, bytes);
}
beforeAll(async () => {
  bitsParser = (await kaitaiParsers(join(import.meta.dirname, 'fixtures', 'features', 'bit_fields.ksy')))['BitFields']!;
});

describe('valid: min, max, any-of and expr', () => {
  const good = { month: 12, kind: 3, even: -4, nibble: 9, rest: 15 };
  it('decodes values the rules accept and names the field and the rule for others, as Kaitai refuses them', () => {
    expect(ValidRules.decode(ValidRules.encode(good))).toEqual(good);
    const bad = (over: Partial<typeof good>): string => {
      try {
        ValidRules.decode(ValidRules.encode({ ...good, ...over }));
      } catch (e) {
        return String(e);
      }
      return 'decoded';
    };
    expect(bad({ month: 0 })).toMatch(/month.*0 is not valid \(\{'min':1,'max':12\}\)/);
    expect(bad({ kind: 2 })).toMatch(/kind.*2 is not valid/);
    expect(bad({ even: 3 })).toMatch(/even.*3 is not valid/);
    expect(bad({ even: -100 })).toMatch(/even.*-100 is not valid/);
    expect(bad({ nibble: 10 })).toMatch(/nibble.*10 is not valid/);
  });
});
