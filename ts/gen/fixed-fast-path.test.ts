// decode, encodeInto and view of a fixed-size type keep the array they were last given (its
// DataView and byteOffset) on the codec. Whatever array or offset comes next, including an array
// whose buffer was detached or shrunk after it was kept, the result is the right value or the
// typed error, never a read or write through a stale view. A view made on that path, and a nested
// view made from a view, take their DataView and position from the checked window.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MyDataStructure, MyDataStructureView } from '../../examples/formats/ts/my_data_structure.js';
import { generateFiles } from './index.js';
import { Codec, DecodeError, EncodeError } from './runtime/twinmap-runtime.js';

const record = (a: number, b: number) => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setInt32(0, a, true);
  new DataView(bytes.buffer).setInt32(4, b, true);
  return bytes;
};

/** What `f` gives: its value, or the class of what it throws. */
const outcome = (f: () => unknown): unknown => {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).constructor.name };
  }
};

// A resizable ArrayBuffer (ES2024; the project's lib is older, so typed here).
const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void };

describe('fixed-size codec fast path', () => {
  it('reads and writes the right array after another one, at any byteOffset', () => {
    const a = record(1, 2);
    const big = new Uint8Array(64);
    big.set(record(3, 4), 24);
    const b = big.subarray(8); // byteOffset 8: the record is at offset 16 of b
    expect(MyDataStructure.decode(a)).toEqual({ myValueA: 1, myValueB: 2 });
    expect(MyDataStructure.decode(b, 16)).toEqual({ myValueA: 3, myValueB: 4 });
    expect(MyDataStructure.decode(a)).toEqual({ myValueA: 1, myValueB: 2 });
    expect(MyDataStructure.encodeInto({ myValueA: -5, myValueB: 6 }, b, 40)).toBe(8);
    expect([...big.subarray(48, 56)]).toEqual([...record(-5, 6)]);
    expect(MyDataStructure.encodeInto({ myValueA: 7, myValueB: 8 }, a)).toBe(8);
    expect([...a]).toEqual([...record(7, 8)]);
    expect(MyDataStructure.decode(b, 40)).toEqual({ myValueA: -5, myValueB: 6 });
  });

  it('refuses offsets that are not whole, in range and numbers, with the typed error', () => {
    const bytes = new Uint8Array(16);
    MyDataStructure.decode(bytes); // kept
    for (const offset of [-1, 1.5, Number.NaN, 9, 2 ** 32, '8' as unknown as number]) {
      expect(() => MyDataStructure.decode(bytes, offset)).toThrow(DecodeError);
      expect(() => MyDataStructure.encodeInto({ myValueA: 1, myValueB: 2 }, bytes, offset)).toThrow(EncodeError);
    }
    expect(MyDataStructure.decode(bytes, 8)).toEqual({ myValueA: 0, myValueB: 0 });
  });

  it('gives the typed error for an array whose buffer was detached after it was kept', () => {
    const bytes = record(1, 2);
    expect(MyDataStructure.decode(bytes)).toEqual({ myValueA: 1, myValueB: 2 });
    structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
    expect(bytes.length).toBe(0);
    expect(() => MyDataStructure.decode(bytes)).toThrow(DecodeError);
    expect(() => MyDataStructure.encodeInto({ myValueA: 1, myValueB: 2 }, bytes)).toThrow(EncodeError);
  });

  it('gives the typed error for a length-tracking array whose buffer shrank after it was kept', () => {
    const buffer = new Resizable(16, { maxByteLength: 64 });
    const bytes = new Uint8Array(buffer);
    expect(MyDataStructure.decode(bytes, 8)).toEqual({ myValueA: 0, myValueB: 0 });
    buffer.resize(12);
    expect(() => MyDataStructure.decode(bytes, 8)).toThrow(DecodeError);
    expect(() => MyDataStructure.encodeInto({ myValueA: 1, myValueB: 2 }, bytes, 8)).toThrow(EncodeError);
    buffer.resize(32);
    expect(MyDataStructure.encodeInto({ myValueA: 9, myValueB: 10 }, bytes, 24)).toBe(8);
    expect(MyDataStructure.decode(bytes, 24)).toEqual({ myValueA: 9, myValueB: 10 });
  });

  it('treats what is not a Uint8Array after a kept array as the checked path does', () => {
    const value = { myValueA: 1, myValueB: 2 };
    for (const bad of [[1, 2, 3, 4, 5, 6, 7, 8], new DataView(new ArrayBuffer(8)), undefined]) {
      const b = bad as unknown as Uint8Array;
      MyDataStructure.decode(new Uint8Array(8)); // kept
      expect(outcome(() => MyDataStructure.decode(b))).toEqual(outcome(() => Codec.prototype.decode.call(MyDataStructure, b)));
      expect(outcome(() => MyDataStructure.encodeInto(value, b))).toEqual(outcome(() => Codec.prototype.encodeInto.call(MyDataStructure, value, b)));
    }
  });
});

describe('views on the fast path', () => {
  const fields = (v: MyDataStructureView) => ({ myValueA: v.myValueA, myValueB: v.myValueB });

  it('read and write the right array after another one, at any byteOffset; earlier views keep theirs', () => {
    const a = record(1, 2);
    const big = new Uint8Array(64);
    big.set(record(3, 4), 24);
    const b = big.subarray(8); // byteOffset 8: the record is at offset 16 of b
    const va = MyDataStructure.view(a);
    const vb = MyDataStructure.view(b, 16);
    const vb2 = MyDataStructure.decode(a) && MyDataStructure.view(b, 16); // after the codec took `a` again
    expect(fields(va)).toEqual({ myValueA: 1, myValueB: 2 });
    expect(fields(vb)).toEqual({ myValueA: 3, myValueB: 4 });
    expect(fields(vb2)).toEqual({ myValueA: 3, myValueB: 4 });
    expect([vb.bytes === b, vb.offset]).toEqual([true, 16]);
    vb.myValueB = -9; // through the view made while `b` was kept, after the codec moved on
    MyDataStructure.view(a).myValueA = 7;
    expect(MyDataStructure.decode(b, 16)).toEqual({ myValueA: 3, myValueB: -9 });
    expect([...big.subarray(24, 32)]).toEqual([...record(3, -9)]);
    expect(fields(va)).toEqual({ myValueA: 7, myValueB: 2 });
    expect(va.toObject()).toEqual({ myValueA: 7, myValueB: 2 });
    expect(() => (va.myValueA = 2 ** 31)).toThrow(EncodeError);
  });

  it('refuse offsets that are not whole, in range and numbers with the DecodeError naming the type and offset', () => {
    const bytes = new Uint8Array(16);
    MyDataStructure.view(bytes); // kept
    for (const offset of [-1, 1.5, Number.NaN, 9, 2 ** 32, '8' as unknown as number]) {
      expect(() => MyDataStructure.view(bytes, offset)).toThrow(DecodeError);
      expect(() => MyDataStructure.view(bytes, offset)).toThrow(`MyDataStructure at byte ${offset}: a view needs 8 bytes`);
      expect(() => new MyDataStructureView(bytes, offset)).toThrow(DecodeError);
    }
    expect(fields(MyDataStructure.view(bytes, 8))).toEqual({ myValueA: 0, myValueB: 0 });
    expect(fields(new MyDataStructureView(bytes, 8))).toEqual({ myValueA: 0, myValueB: 0 });
  });

  it('give the DecodeError for a detached buffer; a view made before the detach throws instead of reading', () => {
    const bytes = record(1, 2);
    const before = MyDataStructure.view(bytes);
    structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
    expect(() => MyDataStructure.view(bytes)).toThrow(DecodeError);
    expect(() => before.myValueA).toThrow(TypeError);
    expect(() => (before.myValueB = 1)).toThrow(TypeError);
  });

  it('give the DecodeError for a shrunk length-tracking array; a view made before reads nothing past the end', () => {
    const buffer = new Resizable(16, { maxByteLength: 64 });
    const bytes = new Uint8Array(buffer);
    const before = MyDataStructure.view(bytes, 8);
    expect(fields(before)).toEqual({ myValueA: 0, myValueB: 0 });
    buffer.resize(12);
    expect(() => MyDataStructure.view(bytes, 8)).toThrow(DecodeError);
    expect(before.myValueA).toBe(0); // bytes 8..12 are still there
    expect(() => before.myValueB).toThrow(RangeError);
    buffer.resize(32);
    MyDataStructure.view(bytes, 24).myValueB = 10;
    expect(MyDataStructure.decode(bytes, 24)).toEqual({ myValueA: 0, myValueB: 10 });
  });

  it('treat what is not a Uint8Array as the view constructor does', () => {
    for (const bad of [[1, 2, 3, 4, 5, 6, 7, 8], new DataView(new ArrayBuffer(8)), undefined, new Uint8Array(0)]) {
      const b = bad as unknown as Uint8Array;
      MyDataStructure.view(new Uint8Array(8)); // kept
      expect(outcome(() => fields(MyDataStructure.view(b)))).toEqual(outcome(() => fields(new MyDataStructureView(b))));
    }
  });
});

const NESTED = `meta:
  id: nested_view
  endian: le
seq:
  - id: head
    type: u2
  - id: origin
    type: point
  - id: corners
    type: point
    repeat: expr
    repeat-expr: 3
types:
  point:
    seq:
      - id: x
        type: s4
      - id: y
        type: s2
`;

interface PointView {
  x: number;
  y: number;
  readonly bytes: Uint8Array;
  readonly offset: number;
}
interface NestedView {
  head: number;
  readonly origin: PointView;
  getCorners(i: number): PointView;
}
interface NestedCodec {
  SIZE: number;
  encode(v: unknown): Uint8Array;
  decode(b: Uint8Array, offset?: number): unknown;
  view(b: Uint8Array, offset?: number): NestedView;
}

describe('nested views', () => {
  let dir: string;
  let codec: NestedCodec;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinmap-nested-view-'));
    writeFileSync(join(dir, 'nested_view.ksy'), NESTED);
    for (const f of await generateFiles([join(dir, 'nested_view.ksy')], { js: dir, skipKaitai: true })) writeFileSync(f.path, f.text);
    codec = ((await import(pathToFileURL(join(dir, 'nested_view.js')).href)) as { NestedView: NestedCodec }).NestedView;
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('read and write the nested records in place, inside the parent at any byteOffset', () => {
    const value = { head: 7, origin: { x: -1, y: 2 }, corners: [{ x: 3, y: -4 }, { x: 5, y: 6 }, { x: -7, y: 8 }] };
    const one = codec.encode(value);
    expect(one.length).toBe(26);
    const big = new Uint8Array(100);
    big.set(one, 40);
    const b = big.subarray(10); // the record at offset 30 of b
    const v = codec.view(b, 30);
    expect([v.head, v.origin.x, v.origin.y]).toEqual([7, -1, 2]);
    expect([0, 1, 2].map((i) => [v.getCorners(i).x, v.getCorners(i).y])).toEqual([[3, -4], [5, 6], [-7, 8]]);
    expect([v.getCorners(2).bytes === b, v.getCorners(2).offset, v.origin.offset]).toEqual([true, 30 + 2 + 6 + 12, 32]);
    v.getCorners(1).y = -100;
    v.origin.x = 2 ** 31 - 1;
    expect(codec.decode(b, 30)).toEqual({ ...value, origin: { x: 2 ** 31 - 1, y: 2 }, corners: [value.corners[0], { x: 5, y: -100 }, value.corners[2]] });
    for (const i of [-1, 3, 0.5]) expect(() => v.getCorners(i)).toThrow(/corners: index/);
    expect(() => codec.view(b, 65)).toThrow(/^NestedView at byte 65: a view needs 26 bytes/); // (the generated module's own DecodeError)
  });
});
