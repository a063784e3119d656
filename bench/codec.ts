// Codec rates, records/s, measured in one run: decode and encode of TestData (fixed 48 bytes)
// and ImageData (length-prefixed path + image) with twinmap's generated TS codecs, the TS view,
// Kaitai's generated JS parser (read-only: Kaitai 0.11 has no JS writer) and a hand-written
// DataView reader/writer; and the same in C# through the Peer (generated codec vs
// MemoryMarshal vs hand-written BinaryPrimitives; Kaitai's C# runtime is not on the NuGet feed).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ImageData } from '../examples/formats/ts/image_data.js';
import { TestData } from '../examples/formats/ts/test_data.js';
import { kaitaiParsers, KaitaiStream } from '../interop-tests/support/kaitai-js.js';
import type { ExtraRow, ExtraSpec } from './extra-row.js';
import type { Options } from './options.js';
import { peerDll, repoRoot } from './paths.js';
import { execFileSync } from 'node:child_process';
import { measureMoreTsCodecs } from './codec-more.js';
import { measureCsGalleryCodecs } from './codec-cs-gallery.js';
import { rate, type CodecRate } from './codec-rate.js';

export type { CodecRate };

const PATH = 'C:\\Users\\ada\\Pictures\\img_0001.png';
const IMAGE = Uint8Array.from({ length: 256 }, (_, i) => (i * 7) & 0xff);
const sampleTestData = (i: number) => ({ id: i, age: i & 127, scores: [1, 2, 3, 4, 5, 6, 7, 8, 9, i] });

/** Measures the TS side; `records` per round, best of `rounds`. */
export async function measureTsCodecs(records: number, rounds = 5): Promise<CodecRate[]> {
  const out: CodecRate[] = [];
  const add = (record: string, op: CodecRate['op'], impl: string, recordsPerSec: number) => out.push({ record, op, impl, recordsPerSec });
  const ksy = (f: string) => join(repoRoot, 'examples', 'formats', f);
  const kTestData = (await kaitaiParsers(ksy('test_data.ksy')))['TestData']!;
  const kImage = (await kaitaiParsers(ksy('image_data.ksy')))['ImageData']!;

  // TestData: N records back to back.
  const td = new Uint8Array(records * 48);
  for (let i = 0; i < records; i++) TestData.encodeInto(sampleTestData(i), td, i * 48);
  const tdView = new DataView(td.buffer);
  add('TestData', 'decode', 'twinmap TS decode', rate(records, rounds, () => {
    let s = 0;
    for (let i = 0; i < records; i++) s += TestData.decode(td, i * 48).age;
    return s;
  }));
  add('TestData', 'decode', 'twinmap TS view (all fields)', rate(records, rounds, () => {
    let s = 0;
    for (let i = 0; i < records; i++) {
      const v = TestData.view(td, i * 48);
      s += v.id + v.age;
      for (let k = 0; k < 10; k++) s += v.getScores(k);
    }
    return s;
  }));
  add('TestData', 'decode', 'Kaitai JS parser (shared stream)', rate(records, rounds, () => {
    const io = new KaitaiStream(new DataView(td.buffer, td.byteOffset, td.byteLength));
    let s = 0;
    for (let i = 0; i < records; i++) s += new kTestData(io)['age'] as number;
    return s;
  }));
  add('TestData', 'decode', 'hand-written DataView', rate(records, rounds, () => {
    let s = 0;
    for (let i = 0; i < records; i++) {
      const o = i * 48;
      const scores: number[] = [];
      for (let k = 0; k < 10; k++) scores.push(tdView.getInt32(o + 8 + 4 * k, true));
      const v = { id: tdView.getInt32(o, true), age: tdView.getInt32(o + 4, true), scores };
      s += v.age;
    }
    return s;
  }));
  const values = Array.from({ length: Math.min(records, 1024) }, (_, i) => sampleTestData(i));
  const target = new Uint8Array(records * 48);
  const tv = new DataView(target.buffer);
  add('TestData', 'encode', 'twinmap TS encodeInto', rate(records, rounds, () => {
    let s = 0;
    for (let i = 0; i < records; i++) s += TestData.encodeInto(values[i & 1023]!, target, i * 48);
    return s;
  }));
  add('TestData', 'encode', 'hand-written DataView', rate(records, rounds, () => {
    for (let i = 0; i < records; i++) {
      const v = values[i & 1023]!;
      const o = i * 48;
      tv.setInt32(o, v.id, true);
      tv.setInt32(o + 4, v.age, true);
      for (let k = 0; k < 10; k++) tv.setInt32(o + 8 + 4 * k, v.scores[k]!, true);
    }
    return records;
  }));

  // ImageData: fewer records (each is ~300 bytes).
  const n = Math.max(1000, records >> 3);
  const one = ImageData.encode({ path: PATH, image: IMAGE });
  const img = new Uint8Array(n * one.length);
  for (let i = 0; i < n; i++) img.set(one, i * one.length);
  const iv = new DataView(img.buffer);
  const dec = new TextDecoder();
  add('ImageData', 'decode', 'twinmap TS decode', rate(n, rounds, () => {
    let s = 0;
    let off = 0;
    for (let i = 0; i < n; i++) {
      const r = ImageData.decodeWithSize(img, off);
      off += r.size;
      s += r.value.image.length;
    }
    return s;
  }));
  add('ImageData', 'decode', 'Kaitai JS parser (shared stream)', rate(n, rounds, () => {
    const io = new KaitaiStream(new DataView(img.buffer, img.byteOffset, img.byteLength));
    let s = 0;
    for (let i = 0; i < n; i++) s += (new kImage(io)['image'] as Uint8Array).length;
    return s;
  }));
  add('ImageData', 'decode', 'hand-written DataView', rate(n, rounds, () => {
    let s = 0;
    let off = 0;
    for (let i = 0; i < n; i++) {
      const lp = iv.getInt32(off, true);
      const path = dec.decode(img.subarray(off + 4, off + 4 + lp));
      const li = iv.getInt32(off + 4 + lp, true);
      const image = img.slice(off + 8 + lp, off + 8 + lp + li);
      off += 8 + lp + li;
      s += image.length + path.length;
    }
    return s;
  }));
  const imgOut = new Uint8Array(n * one.length);
  const enc = new TextEncoder();
  const ov = new DataView(imgOut.buffer);
  const value = { path: PATH, image: IMAGE };
  add('ImageData', 'encode', 'twinmap TS encodeInto', rate(n, rounds, () => {
    let off = 0;
    for (let i = 0; i < n; i++) off += ImageData.encodeInto(value, imgOut, off);
    return off;
  }));
  add('ImageData', 'encode', 'hand-written DataView', rate(n, rounds, () => {
    let off = 0;
    for (let i = 0; i < n; i++) {
      const w = enc.encodeInto(value.path, imgOut.subarray(off + 4));
      ov.setInt32(off, w.written, true);
      ov.setInt32(off + 4 + w.written, value.image.length, true);
      imgOut.set(value.image, off + 8 + w.written);
      off += 8 + w.written + value.image.length;
    }
    return off;
  }));
  return out;
}

/** The C# side, measured by the Peer's codec-bench command. */
export function measureCsCodecs(records: number, rounds = 5): CodecRate[] {
  const out = execFileSync('dotnet', [peerDll, 'codec-bench', `records=${records}`, `rounds=${rounds}`], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { event: string } & CodecRate)
    .filter((e) => e.event === 'rate')
    .map(({ record, op, impl, recordsPerSec }) => ({ record, op, impl, recordsPerSec }));
}

/** Rows for `npm run bench`: each rate, with its ratio to the hand-written code of the same language. */
export function codecRows(rates: CodecRate[], lang: string): ExtraRow[] {
  return rates.map((r) => {
    const base = rates.find((x) => x.record === r.record && x.op === r.op && x.impl.startsWith('hand-written'));
    const ratio = base ? ` (${(r.recordsPerSec / base.recordsPerSec).toFixed(2)}× hand-written)` : '';
    return {
      id: 'codec',
      section: 'codec',
      name: `${lang} ${r.record} ${r.op}: ${r.impl}`,
      value: r.recordsPerSec,
      unit: 'records/s',
      better: 'higher',
      detail: `${(r.recordsPerSec / 1e6).toFixed(2)} M/s${ratio}`,
    };
  });
}

export const codecBench: ExtraSpec = {
  id: 'codec',
  case: 'codec',
  available: () => existsSync(join(repoRoot, 'examples', 'formats', 'test_data.ksy')),
  async run(o: Options): Promise<ExtraRow[]> {
    const records = o.quick ? 100_000 : 1_000_000;
    const rounds = o.quick ? 3 : 5;
    const rows = codecRows([...(await measureTsCodecs(records, rounds)), ...(await measureMoreTsCodecs(records, rounds))], 'TS');
    if (existsSync(peerDll)) rows.push(...codecRows([...measureCsCodecs(records, rounds), ...(await measureCsGalleryCodecs(records, rounds))], 'C#'));
    return rows;
  },
};
