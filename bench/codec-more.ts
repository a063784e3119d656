// Codec rates for the record types beyond TestData and ImageData: the other example records
// (MyDataStructure, HikingDatabase) and two specs of Kaitai's gallery (Windows SYSTEMTIME, a
// fixed 16-byte struct, and binary STL, a header and a counted list of triangles), each generated
// codec next to the hand-written DataView code of bench/hand-written.ts in the same run. The
// gallery specs are read from ../shared/kaitai-gallery beside the repository and generated into
// a temporary folder when the bench runs; without the gallery their rows are left out.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HikingDatabase } from '../examples/formats/ts/hiking_database.js';
import { MyDataStructure } from '../examples/formats/ts/my_data_structure.js';
import { generateFiles } from 'twinmap';
import { pairedRates, type CodecRate, type Trial } from './codec-rate.js';
import * as hand from './hand-written.js';
import { repoRoot } from './paths.js';

export const galleryDir = join(repoRoot, '..', 'shared', 'kaitai-gallery');

/** A codec as the generated modules export it (the methods the bench calls). */
interface AnyCodec<T> {
  decode(bytes: Uint8Array, offset?: number): T;
  decodeWithSize(bytes: Uint8Array, offset?: number): { value: T; size: number };
  encodeInto(value: T, target: Uint8Array, offset?: number): number;
  encode(value: T): Uint8Array;
  view?(bytes: Uint8Array, offset?: number): object;
}

/** Generates the gallery specs' codecs as JavaScript into a temporary folder and imports them. */
async function galleryCodecs(): Promise<{ systemtime: AnyCodec<hand.Systemtime>; stl: AnyCodec<hand.Stl> } | undefined> {
  const specs = ['windows/windows_systemtime.ksy', 'media/stl.ksy'].map((p) => join(galleryDir, p));
  if (!specs.every(existsSync)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'twinmap-bench-gallery-'));
  try {
    for (const f of await generateFiles(specs, { js: dir, skipKaitai: true, includeDirs: [galleryDir] })) {
      mkdirSync(dirname(f.path), { recursive: true });
      writeFileSync(f.path, f.text);
    }
    const load = async (m: string) => (await import(pathToFileURL(join(dir, `${m}.js`)).href)) as Record<string, unknown>;
    return {
      systemtime: (await load('windows_systemtime'))['WindowsSystemtime'] as AnyCodec<hand.Systemtime>,
      stl: (await load('stl'))['Stl'] as AnyCodec<hand.Stl>,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fixed-size records: decode, view (all fields) and encodeInto, generated and hand-written. */
function fixedRows<T extends object>(
  record: string,
  codec: AnyCodec<T> & { SIZE: number },
  sample: (i: number) => T,
  /** Reads every field of a value, and of a view (two functions: each sees one shape). */
  sum: (v: T) => number,
  sumView: (v: T) => number,
  read: (dv: DataView, o: number) => T,
  write: (dv: DataView, o: number, v: T) => void,
  /** `write` with the checks the generated encodeInto makes (an extra row, not the baseline). */
  writeChecked: (dv: DataView, o: number, v: T) => void,
  records: number,
  pairs: number,
): CodecRate[] {
  const size = codec.SIZE;
  const bytes = new Uint8Array(records * size);
  for (let i = 0; i < records; i++) codec.encodeInto(sample(i), bytes, i * size);
  const dv = new DataView(bytes.buffer);
  const decoders: Trial[] = [
    {
      impl: 'twinmap TS decode',
      fn: () => {
        let s = 0;
        for (let i = 0; i < records; i++) s += sum(codec.decode(bytes, i * size));
        return s;
      },
    },
  ];
  if (codec.view) {
    const c = codec as Required<AnyCodec<T>>;
    decoders.push({
      impl: 'twinmap TS view (all fields)',
      fn: () => {
        let s = 0;
        for (let i = 0; i < records; i++) s += sumView(c.view(bytes, i * size) as T);
        return s;
      },
    });
  }
  const out = pairedRates(record, 'decode', records, pairs, {
    impl: 'hand-written DataView',
    fn: () => {
      let s = 0;
      for (let i = 0; i < records; i++) s += sum(read(dv, i * size));
      return s;
    },
  }, decoders);
  const values = Array.from({ length: 1024 }, (_, i) => sample(i));
  const target = new Uint8Array(records * size);
  const ov = new DataView(target.buffer);
  out.push(...pairedRates(record, 'encode', records, pairs, {
    impl: 'hand-written DataView',
    fn: () => {
      for (let i = 0; i < records; i++) write(ov, i * size, values[i & 1023]!);
      return records;
    },
  }, [
    {
      impl: 'twinmap TS encodeInto',
      fn: () => {
        let s = 0;
        for (let i = 0; i < records; i++) s += codec.encodeInto(values[i & 1023]!, target, i * size);
        return s;
      },
    },
    {
      impl: 'hand-written DataView + value checks',
      fn: () => {
        for (let i = 0; i < records; i++) writeChecked(ov, i * size, values[i & 1023]!);
        return records;
      },
    },
  ]));
  return out;
}

/** Variable-size records: decode and encodeInto of back-to-back copies of one value. */
function variableRows<T>(
  record: string,
  codec: AnyCodec<T>,
  value: T,
  read: (b: Uint8Array, dv: DataView, o: number) => { value: T; end: number },
  write: (b: Uint8Array, dv: DataView, o: number, v: T) => number,
  count: (v: T) => number,
  n: number,
  pairs: number,
): CodecRate[] {
  const one = codec.encode(value);
  const bytes = new Uint8Array(n * one.length);
  for (let i = 0; i < n; i++) bytes.set(one, i * one.length);
  const dv = new DataView(bytes.buffer);
  const out = pairedRates(record, 'decode', n, pairs, {
    impl: 'hand-written DataView',
    fn: () => {
      let s = 0;
      let off = 0;
      for (let i = 0; i < n; i++) {
        const r = read(bytes, dv, off);
        off = r.end;
        s += count(r.value);
      }
      return s;
    },
  }, [
    {
      impl: 'twinmap TS decode',
      fn: () => {
        let s = 0;
        let off = 0;
        for (let i = 0; i < n; i++) {
          const r = codec.decodeWithSize(bytes, off);
          off += r.size;
          s += count(r.value);
        }
        return s;
      },
    },
  ]);
  const target = new Uint8Array(bytes.length);
  const ov = new DataView(target.buffer);
  out.push(...pairedRates(record, 'encode', n, pairs, {
    impl: 'hand-written DataView',
    fn: () => {
      let off = 0;
      for (let i = 0; i < n; i++) off += write(target, ov, off, value);
      return off;
    },
  }, [
    {
      impl: 'twinmap TS encodeInto',
      fn: () => {
        let off = 0;
        for (let i = 0; i < n; i++) off += codec.encodeInto(value, target, off);
        return off;
      },
    },
  ]));
  return out;
}

export const sampleHiking: hand.HikingDatabase = {
  description: 'Hikes around the lake, summer 2026',
  hikes: Array.from({ length: 4 }, (_, h) => ({
    date: `2026-07-${10 + h}`,
    description: `Loop ${h + 1}: ridge path and back by the shore`,
    gpsTrack: Array.from({ length: 25 }, (_, i) => ({ x: 8.5 + i * 1e-4, y: 47.3 + h * 1e-3, z: 400 + i })),
  })),
};

const sampleStl: hand.Stl = {
  header: Uint8Array.from({ length: 80 }, (_, i) => (i < 16 ? 0x61 + i : 0x20)),
  triangles: Array.from({ length: 20 }, (_, i) => ({
    normal: { x: 0, y: 0, z: 1 },
    vertices: [
      { x: i, y: 0, z: 0 },
      { x: i + 1, y: 0, z: 0 },
      { x: i, y: 1, z: 0.5 },
    ],
    abr: i & 7,
  })),
};

const sumSystemtime = (v: hand.Systemtime): number => v.year + v.month + v.dow + v.day + v.hour + v.min + v.sec + v.msec;
const sumSystemtimeView = (v: hand.Systemtime): number => v.year + v.month + v.dow + v.day + v.hour + v.min + v.sec + v.msec;

export const myDataGroups = (records: number, pairs: number): CodecRate[] =>
  fixedRows('MyDataStructure', MyDataStructure, (i) => ({ myValueA: i, myValueB: -i }), (v) => v.myValueA + v.myValueB, (v) => v.myValueA + v.myValueB, hand.readMyData, hand.writeMyData, hand.writeMyDataChecked, records, pairs);

export const hikingGroups = (records: number, pairs: number): CodecRate[] =>
  variableRows('HikingDatabase', HikingDatabase, sampleHiking, hand.readHiking, hand.writeHiking, (v) => v.hikes.length, Math.max(200, records >> 8), pairs);

/** The gallery's SYSTEMTIME rows; [] without the gallery. */
export async function systemtimeGroups(records: number, pairs: number): Promise<CodecRate[]> {
  const g = await galleryCodecs();
  if (!g) return [];
  const st = (i: number): hand.Systemtime => ({ year: 2026, month: 12, dow: 1, day: 7, hour: i % 24, min: i % 60, sec: (i >> 6) % 60, msec: i % 1000 });
  return fixedRows('gallery WindowsSystemtime', g.systemtime as AnyCodec<hand.Systemtime> & { SIZE: number }, st, sumSystemtime, sumSystemtimeView, hand.readSystemtime, hand.writeSystemtime, hand.writeSystemtimeChecked, records, pairs);
}

/** The gallery's STL rows; [] without the gallery. */
export async function stlGroups(records: number, pairs: number): Promise<CodecRate[]> {
  const g = await galleryCodecs();
  if (!g) return [];
  return variableRows('gallery Stl', g.stl, sampleStl, hand.readStl, hand.writeStl, (v) => v.triangles.length, Math.max(500, records >> 6), pairs);
}
