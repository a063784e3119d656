// The NRBF reader and writer on their own (the interop tests check them against .NET itself).
import { describe, expect, it } from 'vitest';
import {
  NrbfArray,
  NrbfBoxed,
  NrbfDateTime,
  NrbfDecimal,
  NrbfDecodeError,
  NrbfEncodeError,
  NrbfEnum,
  NrbfObject,
  NrbfTimeSpan,
  decodeNrbf,
  encodeNrbf,
  nrbfDictionary,
  nrbfList,
  nrbfToJson,
  nrbfToText,
  readNrbf,
  toPlain,
  type NrbfValue,
} from './index.js';

const LIB = 'App, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null';

function node(name: string, next: NrbfValue = null): NrbfObject {
  return new NrbfObject({ typeName: 'App.Node', libraryName: LIB, members: { Name: name, Next: next }, memberTypes: { Name: { kind: 'string' }, Next: { kind: 'class', typeName: 'App.Node', libraryName: LIB } } });
}

/** Bytes of a payload, built by hand: header, then the given record bytes, then MessageEnd. */
function payload(...records: number[][]): Uint8Array {
  return new Uint8Array([0, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0, 0, 0, 0, 0, ...records.flat(), 11]);
}
const i32 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
const str = (s: string): number[] => [s.length, ...Buffer.from(s)];

function decodeError(bytes: Uint8Array, options = {}): NrbfDecodeError {
  try {
    decodeNrbf(bytes, options);
  } catch (e) {
    expect(e).toBeInstanceOf(NrbfDecodeError);
    return e as NrbfDecodeError;
  }
  throw new Error('decoded without an error');
}

describe('encodeNrbf -> decodeNrbf', () => {
  it('keeps shared and cyclic references as the same objects', () => {
    const a = node('a');
    const b = node('b', a);
    a.members.set('Next', b);
    const holder = new NrbfObject({ typeName: 'App.Holder', libraryName: LIB, members: { First: a, Second: a, Ring: b } });
    const back = decodeNrbf(encodeNrbf(holder)) as NrbfObject;
    const first = back.get('First') as NrbfObject;
    expect(back.get('Second')).toBe(first);
    expect((first.get('Next') as NrbfObject).get('Next')).toBe(first);
    expect(back.get('Ring')).toBe(first.get('Next'));
    const plain = toPlain(back) as { First: { Next: { Next: unknown } }; Second: unknown };
    expect(plain.Second).toBe(plain.First);
    expect(plain.First.Next.Next).toBe(plain.First);
  });

  it('writes and reads a 30,000-long linked list without recursion', () => {
    let head: NrbfObject = node('0');
    for (let i = 1; i < 30_000; i++) head = node(String(i), head);
    const back = decodeNrbf(encodeNrbf(head)) as NrbfObject;
    let n = 0;
    for (let p: NrbfValue = back; p !== null; p = (p as NrbfObject).get('Next')!) n++;
    expect(n).toBe(30_000);
  });

  it('round-trips every primitive at its edges', () => {
    const members: Record<string, NrbfValue> = {
      b: true,
      u8: 255,
      i8: -128,
      i16: -32768,
      u16: 65535,
      i32: -2147483648,
      u32: 4294967295,
      i64: -(2n ** 63n),
      u64: 2n ** 64n - 1n,
      f32: 3.4028234663852886e38,
      f64: -Number.MAX_VALUE,
      c: '€',
      m: new NrbfDecimal('-79228162514264337593543950335'),
      t: new NrbfDateTime(3155378975999999999n, 'Utc'),
      ts: new NrbfTimeSpan(-(2n ** 63n)),
    };
    const types = { b: 'Boolean', u8: 'Byte', i8: 'SByte', i16: 'Int16', u16: 'UInt16', i32: 'Int32', u32: 'UInt32', i64: 'Int64', u64: 'UInt64', f32: 'Single', f64: 'Double', c: 'Char', m: 'Decimal', t: 'DateTime', ts: 'TimeSpan' } as const;
    const back = decodeNrbf(encodeNrbf(new NrbfObject({ typeName: 'App.P', libraryName: LIB, members, memberTypes: types }))) as NrbfObject;
    expect(Object.fromEntries(back.members)).toEqual(members);
    expect(back.memberTypes?.get('u64')).toEqual({ kind: 'primitive', type: 'UInt64' });
  });

  it('writes primitives at the root as BinaryFormatter does (boxed), and reads them back', () => {
    for (const v of [42, 2.5, true, -5n, new NrbfDecimal('-0.001'), new NrbfDateTime(5n, 'Local'), new NrbfTimeSpan(7n), new NrbfBoxed('Char', 'x'), new NrbfBoxed('UInt16', 9)]) {
      const back = decodeNrbf(encodeNrbf(v));
      expect(back).toBeInstanceOf(NrbfBoxed);
      expect((back as NrbfBoxed).value).toEqual(v instanceof NrbfBoxed ? v.value : v);
    }
    expect(decodeNrbf(encodeNrbf('root 😀'))).toBe('root 😀');
  });

  it('reads arrays as typed arrays, keeps null runs, rectangular and jagged shapes', () => {
    const graph = new NrbfObject({
      typeName: 'App.Arrays',
      libraryName: LIB,
      members: {
        ints: new NrbfArray({ elementType: { kind: 'primitive', type: 'Int32' }, items: new Int32Array([1, -1]) }),
        strs: new NrbfArray({ elementType: { kind: 'string' }, items: ['a', ...Array<null>(300).fill(null), 'b', null, null] }),
        grid: new NrbfArray({ elementType: { kind: 'primitive', type: 'Double' }, items: new Float64Array([1, 2, 3, 4, 5, 6]), lengths: [2, 3] }),
        jag: new NrbfArray({ elementType: { kind: 'primitiveArray', type: 'Byte' }, shape: 'jagged', items: [new NrbfArray({ elementType: { kind: 'primitive', type: 'Byte' }, items: new Uint8Array([7]) }), null] }),
      },
    });
    const back = decodeNrbf(encodeNrbf(graph)) as NrbfObject;
    expect((back.get('ints') as NrbfArray).items).toEqual(new Int32Array([1, -1]));
    expect(((back.get('strs') as NrbfArray).items as NrbfValue[]).length).toBe(304);
    expect((back.get('grid') as NrbfArray).lengths).toEqual([2, 3]);
    expect(toPlain(back)).toMatchObject({ grid: [[1, 2, 3], [4, 5, 6]], jag: [new Uint8Array([7]), null] });
  });

  it('writes List<T> and Dictionary<K,V> from their items and reads them back as arrays and Maps', () => {
    const d = nrbfDictionary({ kind: 'string' }, 'Int32', [['one', 1], ['two', 2]]);
    const root = new NrbfObject({ typeName: 'App.C', libraryName: LIB, members: { list: nrbfList('Int64', [1n, 2n]), dict: d, empty: nrbfList({ kind: 'string' }) } });
    const back = decodeNrbf(encodeNrbf(root)) as NrbfObject;
    expect(toPlain(back)).toEqual({ list: [1n, 2n], dict: new Map([['one', 1], ['two', 2]]), empty: [] });
    expect((back.get('dict') as NrbfObject).typeName).toMatch(/^System\.Collections\.Generic\.Dictionary`2\[\[System\.String, mscorlib/);
  });

  it('reads enums as NrbfEnum and plain values as numbers', () => {
    const e = new NrbfEnum('App.Color', LIB, 5, 'Int32');
    const back = decodeNrbf(encodeNrbf(new NrbfObject({ typeName: 'App.E', libraryName: LIB, members: { c: e } }))) as NrbfObject;
    expect(back.get('c')).toEqual(e);
    expect(toPlain(back)).toEqual({ c: 5 });
  });

  it('refuses values it cannot write, naming the member', () => {
    const bad = (members: Record<string, NrbfValue>, memberTypes: Record<string, 'Int32' | 'Char' | 'Byte'>): string => {
      try {
        encodeNrbf(new NrbfObject({ typeName: 'App.X', libraryName: LIB, members, memberTypes }));
      } catch (e) {
        expect(e).toBeInstanceOf(NrbfEncodeError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(bad({ n: 2 ** 31 }, { n: 'Int32' })).toMatch(/^\.n: number 2147483648 is not a Int32/);
    expect(bad({ c: '\ud800' }, { c: 'Char' })).toMatch(/lone surrogate/);
    expect(bad({ b: 'x' }, { b: 'Byte' })).toMatch(/is not a Byte/);
    expect(() => encodeNrbf(null)).toThrow(NrbfEncodeError);
  });
});

describe('views of a graph', () => {
  it('toPlain: dates, spans, decimals, auto-property names; nrbfToJson is flat; nrbfToText marks repeats and cuts deep trees', () => {
    const when = new NrbfDateTime(NrbfDateTime.UNIX_EPOCH_TICKS + 15_000n, 'Utc');
    const o = new NrbfObject({
      typeName: 'App.T',
      libraryName: LIB,
      members: { '<When>k__BackingField': when, Span: new NrbfTimeSpan(25_000n), Price: new NrbfDecimal('1.50'), Big: 5n },
    });
    expect(toPlain(o)).toEqual({ When: new Date(1), Span: 2.5, Price: '1.50', Big: 5n });
    const a = node('a');
    a.members.set('Next', a);
    expect(nrbfToJson(a)).toEqual({ root: { $ref: 1 }, objects: { 1: { $type: 'App.Node', $assembly: LIB, Name: 'a', Next: { $ref: 1 } } } });
    expect(nrbfToText(a)).toBe(`#1 App.Node (${LIB})\n  Name: "a"\n  Next: -> #1`);
    let head: NrbfObject = node('0');
    for (let i = 1; i < 100; i++) head = node(String(i), head);
    const lines = nrbfToText(head).split('\n');
    expect(lines.at(-1)).toMatch(/^\s+Next: #49 \.\.\. \(deeper than 48 levels; use --json\)$/);
    expect(Object.keys(nrbfToJson(head).objects)).toHaveLength(100);
  });
});

describe('decodeNrbf refuses malformed payloads with a typed error', () => {
  const good = encodeNrbf(new NrbfObject({ typeName: 'App.Node', libraryName: LIB, members: { Name: 'x', Items: nrbfList('Int32', [1, 2, 3]) } }));

  it('names the record index, record type and byte offset', () => {
    const e = decodeError(payload([99]));
    expect(e.code).toBe('DECODE');
    expect(e.recordIndex).toBe(1);
    expect(e.offset).toBe(17);
    expect(e.message).toBe('NRBF record 1 at byte 17: unknown record type 99');
    const s = decodeError(payload([6, ...i32(1), 0xff, 0xff, 0xff, 0xff, 0x07]));
    expect(s.recordType).toBe('BinaryObjectString');
    expect(s.message).toMatch(/string value \(2147483647 bytes\) needs 2147483647 bytes, only 1 left/);
  });

  it('refuses every truncation of a valid payload', () => {
    for (let n = 0; n < good.length; n++) decodeError(good.subarray(0, n));
    expect(readNrbf(new Uint8Array([...good, 0, 0, 0])).length).toBe(good.length);
  });

  it('checks counts against the bytes left before allocating', () => {
    // ArraySinglePrimitive of 2^31-1 Int64s in a few bytes
    expect(decodeError(payload([15, ...i32(1), ...i32(0x7fffffff), 9])).message).toMatch(/exceeds|maxElements|needs/);
    // a class claiming 2^31-1 members
    expect(decodeError(payload([4, ...i32(1), ...str('X'), ...i32(0x7fffffff)])).message).toMatch(/member names needs/);
    // a null run of 2^31-1 in an object array of 2
    expect(decodeError(payload([16, ...i32(1), ...i32(2), 14, ...i32(0x7fffffff)])).message).toMatch(/run of 2147483647 nulls overruns/);
    expect(decodeError(payload([16, ...i32(1), ...i32(-1)])).message).toMatch(/Length is negative/);
  });

  it('applies maxRecords, maxElements and maxDepth', () => {
    expect(decodeError(good, { maxRecords: 3 }).message).toMatch(/more than maxRecords \(3\)/);
    expect(decodeError(good, { maxElements: 2 }).message).toMatch(/maxElements \(2\)/);
    // structs are written inline: 70 nested structs exceed the default depth of 64
    let inner: NrbfObject = new NrbfObject({ typeName: 'App.S', libraryName: LIB, valueType: true, members: { v: 1 } });
    for (let i = 0; i < 70; i++) inner = new NrbfObject({ typeName: `App.S${i}`, libraryName: LIB, valueType: true, members: { s: inner } });
    const deep = encodeNrbf(new NrbfObject({ typeName: 'App.Root', libraryName: LIB, members: { s: inner } }));
    expect(decodeError(deep).message).toMatch(/deeper than maxDepth \(64\)/);
    expect(decodeNrbf(deep, { maxDepth: 100 })).toBeInstanceOf(NrbfObject);
  });

  it('refuses references to missing objects, duplicate ids, remoting calls and classes without member types', () => {
    const missing = decodeError(payload([16, ...i32(1), ...i32(1), 9, ...i32(77)]));
    expect(missing.message).toMatch(/reference to object 77/);
    expect(missing.recordType).toBe('MemberReference');
    expect(decodeError(payload([6, ...i32(1), ...str('a')], [6, ...i32(1), ...str('b')])).message).toMatch(/object id 1 is defined twice/);
    expect(decodeError(payload([21])).message).toMatch(/remoting method call/);
    expect(decodeError(payload([2, ...i32(1), ...str('App.X'), ...i32(1), ...str('n'), 0, 0, 0, 0])).message).toMatch(/without member types.*options\.layouts\["App\.X"\]/);
    expect(decodeNrbf(payload([2, ...i32(1), ...str('App.X'), ...i32(1), ...str('n'), 5, 0, 0, 0]), { layouts: { 'App.X': { n: 'Int32' } } })).toMatchObject({ members: new Map([['n', 5]]) });
    expect(decodeError(payload([6, ...i32(2), ...str('a')])).message).toMatch(/root object 1 is not in the payload/);
    expect(decodeError(new Uint8Array([0, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 11])).message).toMatch(/version 2\.0/);
  });

  it('refuses invalid primitives: bad UTF-8 in a Char, Decimal text, DateTime ticks', () => {
    const cls = (t: number, bytes: number[]): Uint8Array => payload([4, ...i32(1), ...str('X'), ...i32(1), ...str('v'), 0, t, ...bytes]);
    expect(decodeError(cls(3, [0xff])).message).toMatch(/Char: invalid UTF-8/);
    expect(decodeError(cls(5, str('1e5'))).message).toMatch(/invalid Decimal text "1e5"/);
    expect(decodeError(cls(13, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3f])).message).toMatch(/beyond DateTime.MaxValue/);
  });

  it('refuses a non-byte input with a typed error', () => {
    expect(() => decodeNrbf('abc' as unknown as Uint8Array)).toThrow(/needs a Uint8Array/);
  });
});
