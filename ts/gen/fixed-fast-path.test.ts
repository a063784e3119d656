// decode and encodeInto of a fixed-size type keep the array they were last given (its DataView
// and byteOffset) on the codec. Whatever array or offset comes next, including an array whose
// buffer was detached or shrunk after it was kept, the result is the right value or the typed
// error, never a read or write through a stale view.
import { describe, expect, it } from 'vitest';
import { MyDataStructure } from '../../examples/formats/ts/my_data_structure.js';
import { Codec, DecodeError, EncodeError } from './runtime/twinmap-runtime.js';

const record = (a: number, b: number) => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setInt32(0, a, true);
  new DataView(bytes.buffer).setInt32(4, b, true);
  return bytes;
};

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
    // A resizable ArrayBuffer (ES2024; the project's lib is older, so typed here).
    const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void };
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
    const outcome = (f: () => unknown): unknown => {
      try {
        return { value: f() };
      } catch (e) {
        return { error: (e as Error).constructor.name };
      }
    };
    const value = { myValueA: 1, myValueB: 2 };
    for (const bad of [[1, 2, 3, 4, 5, 6, 7, 8], new DataView(new ArrayBuffer(8)), undefined]) {
      const b = bad as unknown as Uint8Array;
      MyDataStructure.decode(new Uint8Array(8)); // kept
      expect(outcome(() => MyDataStructure.decode(b))).toEqual(outcome(() => Codec.prototype.decode.call(MyDataStructure, b)));
      expect(outcome(() => MyDataStructure.encodeInto(value, b))).toEqual(outcome(() => Codec.prototype.encodeInto.call(MyDataStructure, value, b)));
    }
  });
});
