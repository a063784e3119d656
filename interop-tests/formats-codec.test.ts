// Sample records across languages, through a file mapping: the .NET Peer encodes with the
// generated C# codecs and Node decodes with the generated TS codecs, and the reverse; and
// TestData written with MemoryMappedViewAccessor.Write<T> of the generated struct (as a .NET app
// does with Marshal) read through the generated TS view, and the reverse. .NET 10.
// (The map is a file mapped by native.Mapping here and MemoryMappedFile.CreateFromFile in the
// Peer, which is what an unmodified .NET app on Linux uses.)
import fc from 'fast-check';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpecs } from '../ts/gen/load.js';
import { HikingDatabase } from '../examples/formats/ts/hiking_database.js';
import { ImageData } from '../examples/formats/ts/image_data.js';
import { MyDataStructure } from '../examples/formats/ts/my_data_structure.js';
import { TestData } from '../examples/formats/ts/test_data.js';
import { JsonRecord } from '../ts/formats/json_record.js';
import type { Codec } from '../ts/gen/runtime/twinmap-runtime.js';
import { SharedMap } from '../ts/map/shared-map.js';
import { native } from '../ts/native.js';
import type { NativeMapping } from '../ts/native-types.js';
import { Peer } from './peer.js';
import { arbitraryOf, type Value } from './support/model-tools.js';
import { uniqueName } from '../ts/test-support/unique-name.js';

const MAP_BYTES = 1 << 20;
const dir = mkdtempSync(join(tmpdir(), 'twinmap-formats-'));
const examples = join(import.meta.dirname, '..', 'examples', 'formats');
const formats = join(import.meta.dirname, '..', 'formats');

const CASES: Array<[string, string, Codec<Value>]> = [
  ['MyDataStructure', join(examples, 'my_data_structure.ksy'), MyDataStructure as unknown as Codec<Value>],
  ['TestData', join(examples, 'test_data.ksy'), TestData as unknown as Codec<Value>],
  ['ImageData', join(examples, 'image_data.ksy'), ImageData as unknown as Codec<Value>],
  ['HikingDatabase', join(examples, 'hiking_database.ksy'), HikingDatabase as unknown as Codec<Value>],
  ['JsonRecord', join(formats, 'json_record.ksy'), JsonRecord as unknown as Codec<Value>],
];

/** JSON carries what both sides agree on: bytes as hex, finite doubles (and no -0, which JSON.stringify drops). */
function toJson(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map(toJson);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}
function finite(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? v : 0;
  if (v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map(finite);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, finite(x)]));
  return v;
}

let counter = 0;
function newMap(): { file: string; bytes: Uint8Array; mapping: NativeMapping } {
  const file = join(dir, `map-${process.pid}-${counter++}`);
  const fd = openSync(file, 'w+', 0o600);
  ftruncateSync(fd, MAP_BYTES);
  const mapping = new native.Mapping(fd, MAP_BYTES, true);
  closeSync(fd);
  return { file, bytes: new Uint8Array(mapping.buffer!), mapping };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(CASES)('%s across Node and .NET', (type, specFile, codec) => {
  let values: Value[];
  beforeAll(() => {
    const spec = loadSpecs([specFile])[0]!;
    values = fc.sample(arbitraryOf(spec.root), { numRuns: 25, seed: 42 }).map((v) => finite(v) as Value);
  });

  it('Node encodes into the map, the Peer decodes with the generated C# code', async () => {
    const { file, bytes, mapping } = newMap();
    let offset = 4;
    for (const v of values) offset += codec.encodeInto(v, bytes, offset);
    new DataView(bytes.buffer).setUint32(0, values.length, true);
    mapping.flush();
    const events = await Peer.run('codec', { file, type, mode: 'decode' });
    const decoded = events.find((e) => e.event === 'decoded');
    expect(decoded, JSON.stringify(events)).toBeDefined();
    expect(decoded!['bytes']).toBe(offset);
    expect(decoded!['values']).toEqual(values.map(toJson));
    mapping.unmap();
  });

  it('the Peer encodes into the map with the generated C# code, Node decodes', async () => {
    const { file, bytes, mapping } = newMap();
    const json = Buffer.from(JSON.stringify(values.map(toJson))).toString('hex');
    const events = await Peer.run('codec', { file, type, mode: 'encode', json });
    expect(events.find((e) => e.event === 'encoded'), JSON.stringify(events)).toBeDefined();
    const count = new DataView(bytes.buffer).getUint32(0, true);
    expect(count).toBe(values.length);
    let offset = 4;
    const got: Value[] = [];
    for (let i = 0; i < count; i++) {
      const r = codec.decodeWithSize(bytes, offset);
      got.push(r.value);
      offset += r.size;
    }
    expect(got.map(toJson)).toEqual(values.map(toJson));
    mapping.unmap();
  });
});

describe('through a named SharedMap (Node SharedMap.create, .NET SharedMap.Open)', () => {
  const hike = { description: 'alps', hikes: [{ date: '2012-10-02', description: 'ridge walk', gpsTrack: [{ x: 7.5, y: 46.1, z: 2200 }] }] };

  it('Node encodes a HikingDatabase into the named map, the Peer decodes it', async () => {
    const name = uniqueName('twinmap-fmt');
    using map = SharedMap.create(name, { size: 65536 });
    try {
      new DataView(map.bytes.buffer, map.bytes.byteOffset).setUint32(0, 1, true);
      const n = HikingDatabase.encodeInto(hike, map.bytes, 4);
      const events = await Peer.run('codec', { map: name, type: 'HikingDatabase', mode: 'decode' });
      const decoded = events.find((e) => e.event === 'decoded');
      expect(decoded, JSON.stringify(events)).toMatchObject({ bytes: 4 + n, values: [hike] });
    } finally {
      map.unlink();
    }
  });

  it('the Peer writes TestData with Accessor.Write<T> into the named map, Node reads the view', async () => {
    const name = uniqueName('twinmap-fmt');
    using map = SharedMap.create(name, { size: 4096 });
    try {
      const sample = { id: 7, age: 42, scores: [9, 8, 7, 6, 5, 4, 3, 2, 1, 0] };
      await Peer.run('codec', { map: name, mode: 'write-struct', json: Buffer.from(JSON.stringify([sample])).toString('hex') });
      expect(TestData.view(map.bytes, 4).toObject()).toEqual(sample);
    } finally {
      map.unlink();
    }
  });
});

describe('TestData as a blittable struct in the map (as a .NET app writes it)', () => {
  const samples = [
    { id: 100, age: 20, scores: [60, 61, 62, 63, 64, 65, 66, 67, 68, 69] },
    { id: -1, age: 2147483647, scores: [-2147483648, 0, 1, 2, 3, 4, 5, 6, 7, 8] },
  ];

  it('the Peer writes with MemoryMappedViewAccessor.Write<TestData>, Node reads through TestDataView', async () => {
    const { file, bytes, mapping } = newMap();
    const json = Buffer.from(JSON.stringify(samples)).toString('hex');
    await Peer.run('codec', { file, mode: 'write-struct', json });
    expect(new DataView(bytes.buffer).getInt32(0, true)).toBe(2);
    for (let i = 0; i < samples.length; i++) {
      const view = TestData.view(bytes, 4 + i * TestData.SIZE);
      expect(view.id).toBe(samples[i]!.id);
      expect(view.age).toBe(samples[i]!.age);
      expect(Array.from({ length: 10 }, (_, k) => view.getScores(k))).toEqual(samples[i]!.scores);
    }
    mapping.unmap();
  });

  it('Node writes through TestDataView, the Peer reads with MemoryMappedViewAccessor.Read<TestData>', async () => {
    const { file, bytes, mapping } = newMap();
    samples.forEach((s, i) => {
      const view = TestData.view(bytes, 4 + i * TestData.SIZE);
      view.id = s.id;
      view.age = s.age;
      s.scores.forEach((x, k) => view.setScores(k, x));
    });
    new DataView(bytes.buffer).setInt32(0, samples.length, true);
    mapping.flush();
    const events = await Peer.run('codec', { file, mode: 'read-struct' });
    expect(events.find((e) => e.event === 'read')!['values']).toEqual(samples);
    mapping.unmap();
  });

  it("a peer's garbage is a DecodeException naming the field, not a crash", async () => {
    const { file, bytes, mapping } = newMap();
    const dv = new DataView(bytes.buffer);
    dv.setUint32(0, 1, true);
    dv.setInt32(4, 0x7ffffff0, true); // ImageData.len_path far past the end of the map
    mapping.flush();
    const events = await Peer.run('codec', { file, type: 'ImageData', mode: 'decode' });
    expect(events.find((e) => e.event === 'error')).toMatchObject({ code: 'DECODE', fieldPath: 'ImageData.path', offset: 8 });
    mapping.unmap();
  });
});
