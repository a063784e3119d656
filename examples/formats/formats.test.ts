// The generated codecs for the sample records: values, views, and typed errors on bad input.
import { describe, expect, it } from 'vitest';
import { JsonRecord } from '../../ts/formats/json_record.js';
import { HikingDatabase } from './ts/hiking_database.js';
import { ImageData } from './ts/image_data.js';
import { MyDataStructure } from './ts/my_data_structure.js';
import { TestData, TestDataView } from './ts/test_data.js';
import { DecodeError, EncodeError } from '../../ts/gen/runtime/twinmap-runtime.js';

const seedTestData = { id: 100, age: 20, scores: [60, 61, 62, 63, 64, 65, 66, 67, 68, 69] };

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('fixed-size records', () => {
  it('TestData has the 48-byte layout of a .NET Pack = 1 struct (little-endian)', () => {
    expect(TestData.SIZE).toBe(48);
    const bytes = TestData.encode(seedTestData);
    const dv = new DataView(bytes.buffer);
    expect(dv.getInt32(0, true)).toBe(100);
    expect(dv.getInt32(4, true)).toBe(20);
    expect(dv.getInt32(8 + 9 * 4, true)).toBe(69);
    expect(TestData.decode(bytes)).toEqual(seedTestData);
  });

  it('MyDataStructure is two int32', () => {
    const bytes = MyDataStructure.encode({ myValueA: 12, myValueB: 20 });
    expect([...bytes]).toEqual([12, 0, 0, 0, 20, 0, 0, 0]);
    expect(MyDataStructure.SIZE).toBe(8);
  });

  it('decodes and encodes at an offset inside a bigger buffer, touching nothing else', () => {
    const buf = new Uint8Array(200).fill(0xee);
    const n = TestData.encodeInto(seedTestData, buf, 100);
    expect(n).toBe(48);
    expect(buf[99]).toBe(0xee);
    expect(buf[148]).toBe(0xee);
    expect(TestData.decode(buf, 100)).toEqual(seedTestData);
    expect(TestData.decode(buf.subarray(100, 148))).toEqual(seedTestData);
  });

  it('the view reads and writes the bytes in place', () => {
    const buf = new Uint8Array(64);
    const view = TestData.view(buf, 8);
    view.set(seedTestData);
    expect(view.id).toBe(100);
    expect(view.getScores(9)).toBe(69);
    view.age = 33;
    view.setScores(0, -5);
    expect(TestData.decode(buf, 8)).toEqual({ ...seedTestData, age: 33, scores: [-5, ...seedTestData.scores.slice(1)] });
    expect(view.toObject().age).toBe(33);
    expect(new TestDataView(buf.subarray(8)).age).toBe(33);
    expect(() => view.getScores(10)).toThrow(RangeError);
    expect(catchError(() => (view.age = 2 ** 31))).toMatchObject({ code: 'ENCODE', fieldPath: 'age' });
  });

  it('a view that does not fit is a DecodeError, not a read past the end', () => {
    const e = catchError(() => TestData.view(new Uint8Array(50), 4));
    expect(e).toBeInstanceOf(DecodeError);
    expect(e).toMatchObject({ code: 'DECODE', offset: 4 });
  });
});

describe('typed errors', () => {
  it('truncated TestData names the field and the offset', () => {
    const bytes = TestData.encode(seedTestData).subarray(0, 47);
    const e = catchError(() => TestData.decode(bytes));
    expect(e).toBeInstanceOf(DecodeError);
    expect(e).toMatchObject({ code: 'DECODE', fieldPath: 'TestData.scores', offset: 8 });
    expect(catchError(() => TestData.decode(new Uint8Array(5)))).toMatchObject({ fieldPath: 'TestData.age', offset: 4 });
  });

  it('a hostile length is refused before anything is allocated', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setInt32(0, 0x7fffffff, true);
    expect(catchError(() => ImageData.decode(bytes))).toMatchObject({ code: 'DECODE', fieldPath: 'ImageData.path', offset: 4 });
    new DataView(bytes.buffer).setInt32(0, -1, true);
    expect(catchError(() => ImageData.decode(bytes))).toMatchObject({ code: 'DECODE', fieldPath: 'ImageData.path' });
    const db = new Uint8Array(12);
    new DataView(db.buffer).setUint32(4, 0xffffffff, true); // num_hikes
    expect(catchError(() => HikingDatabase.decode(db))).toMatchObject({ code: 'DECODE', fieldPath: 'HikingDatabase.hikes', offset: 8 });
  });

  it('errors deep inside name the whole path', () => {
    const db = HikingDatabase.encode({ description: 'd', hikes: [{ date: '2012-10-02', description: 'x', gpsTrack: [{ x: 1, y: 2, z: 3 }] }] });
    const e = catchError(() => HikingDatabase.decode(db.subarray(0, db.length - 4)));
    expect(e).toMatchObject({ code: 'DECODE', fieldPath: 'HikingDatabase.hikes[0].gpsTrack', offset: db.length - 24 });
  });

  it('invalid UTF-8 is a DecodeError', () => {
    const bytes = new Uint8Array([2, 0, 0, 0, 0xc3, 0x28]);
    expect(catchError(() => JsonRecord.decode(bytes))).toMatchObject({ code: 'DECODE', fieldPath: 'JsonRecord.json', offset: 4 });
  });

  it('values that do not fit are EncodeErrors naming the field', () => {
    expect(catchError(() => TestData.encode({ ...seedTestData, scores: [1, 2] }))).toMatchObject({ code: 'ENCODE', fieldPath: 'TestData.scores' });
    const tooBig = catchError(() => TestData.encode({ ...seedTestData, id: 2 ** 40 }));
    expect(tooBig).toBeInstanceOf(EncodeError);
    expect(tooBig).toMatchObject({ fieldPath: 'TestData.id' });
    expect(catchError(() => JsonRecord.encode({ json: 'a\ud800' }))).toMatchObject({ code: 'ENCODE', fieldPath: 'JsonRecord.json' });
    expect(catchError(() => TestData.encodeInto(seedTestData, new Uint8Array(47)))).toMatchObject({ code: 'ENCODE' });
  });

  it('a bad value deep inside a variable-size record is an EncodeError naming its whole path, and a short buffer is left untouched', () => {
    const hike = (x: number) => ({ date: '2012-10-02', description: 'x', gpsTrack: [{ x: 1, y: 2, z: 3 }, { x, y: 2, z: 3 }] });
    const ok = { description: 'd', hikes: [hike(1), hike(2)] };
    const bad = { description: 'd', hikes: [hike(1), hike('no' as unknown as number)] };
    expect(catchError(() => HikingDatabase.encodeInto(bad, new Uint8Array(1000)))).toMatchObject({ code: 'ENCODE', fieldPath: 'HikingDatabase.hikes[1].gpsTrack[1].x' });
    const longDate = { description: 'd', hikes: [{ ...hike(1), date: 'x'.repeat(70_000) }] };
    expect(catchError(() => HikingDatabase.encode(longDate))).toMatchObject({ code: 'ENCODE', fieldPath: 'HikingDatabase.hikes[0].lenDate' });
    const size = HikingDatabase.sizeOf(ok);
    const short = new Uint8Array(size - 1).fill(0xee);
    expect(catchError(() => HikingDatabase.encodeInto(ok, short))).toMatchObject({ code: 'ENCODE', fieldPath: 'HikingDatabase' });
    expect(short.every((b) => b === 0xee)).toBe(true);
    expect(catchError(() => ImageData.encode({ path: 'a', image: [1, 2] as unknown as Uint8Array }))).toMatchObject({ code: 'ENCODE', fieldPath: 'ImageData.image' });
  });
});

describe('variable-size records', () => {
  it('ImageData is a length-prefixed path and image: [len][path][len][image]', () => {
    const value = { path: 'C:\\图片\\a.png', image: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) };
    const bytes = ImageData.encode(value);
    const pathBytes = new TextEncoder().encode(value.path);
    const dv = new DataView(bytes.buffer);
    expect(dv.getInt32(0, true)).toBe(pathBytes.length);
    expect(dv.getInt32(4 + pathBytes.length, true)).toBe(4);
    expect(bytes.length).toBe(4 + pathBytes.length + 4 + 4);
    expect(ImageData.decode(bytes)).toEqual(value);
  });

  it('text of every length and script is written as UTF-8, at an offset, touching nothing else', () => {
    for (const path of ['', 'a.png', 'C:\\图片\\😀.png', 'é'.repeat(40), 'x'.repeat(65) + '图', '😀'.repeat(100)]) {
      const value = { path, image: new Uint8Array([1, 2, 3]) };
      const expected = new Uint8Array([...new Uint8Array(4), ...new TextEncoder().encode(path), 3, 0, 0, 0, 1, 2, 3]);
      new DataView(expected.buffer).setInt32(0, expected.length - 11, true);
      const out = new Uint8Array(expected.length + 10).fill(0xee);
      expect(ImageData.encodeInto(value, out, 5)).toBe(expected.length);
      expect(out.subarray(5, 5 + expected.length)).toEqual(expected);
      expect([...out.subarray(0, 5), ...out.subarray(5 + expected.length)].every((b) => b === 0xee)).toBe(true);
      expect(ImageData.decode(out, 5)).toEqual(value);
    }
  });

  it('JSON record carries a token object', () => {
    const token = { token: 'eyJhbGciOi…', user: 'ada', expires: 1700000000 };
    const bytes = JsonRecord.encode({ json: JSON.stringify(token) });
    expect(JSON.parse(JsonRecord.decode(bytes).json)).toEqual(token);
  });

  it('records back to back: decodeWithSize says where the next one starts', () => {
    const a = ImageData.encode({ path: 'a', image: new Uint8Array([1]) });
    const b = ImageData.encode({ path: 'bb', image: new Uint8Array([2, 2]) });
    const both = new Uint8Array([...a, ...b]);
    const first = ImageData.decodeWithSize(both);
    expect(first.size).toBe(a.length);
    expect(ImageData.decode(both, first.size).path).toBe('bb');
  });
});
