// Codec rates, records/s, measured in one run: decode and encode of TestData (fixed 48 bytes)
// and ImageData (length-prefixed path + image) with twinmap's generated TS codecs, the TS view,
// Kaitai's generated JS parser (read-only: Kaitai 0.11 has no JS writer) and a hand-written
// DataView reader/writer; the other records of bench/codec-more.ts; and the same in C# through the
// Peer (generated codec vs MemoryMarshal vs hand-written BinaryPrimitives; Kaitai's C# runtime is
// not on the NuGet feed) and bench/codec-cs-gallery.ts. Every group of rows (a record type and an
// operation) is timed in paired alternating trials against its hand-written code (codec-rate.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ImageData } from '../examples/formats/ts/image_data.js';
import { TestData } from '../examples/formats/ts/test_data.js';
import { kaitaiParsers, KaitaiStream } from '../interop-tests/support/kaitai-js.js';
import type { ExtraRow, ExtraSpec } from './extra-row.js';
import type { Options } from './options.js';
import { codecChildJs, peerDll, repoRoot } from './paths.js';
import { execFileSync } from 'node:child_process';
import { measureCsGalleryCodecs } from './codec-cs-gallery.js';
import { codecPairs, pairedRates, type CodecRate } from './codec-rate.js';
import { summarisePaired } from './paired.js';

export type { CodecRate };

const PATH = 'C:\\Users\\ada\\Pictures\\img_0001.png';
const IMAGE = Uint8Array.from({ length: 256 }, (_, i) => (i * 7) & 0xff);
const sampleTestData = (i: number) => ({ id: i, age: i & 127, scores: [1, 2, 3, 4, 5, 6, 7, 8, 9, i] });

/** TestData: N records of 48 bytes back to back. */
export async function testDataGroups(recordsAll: number, pairs: number): Promise<CodecRate[]> {
  // Calls of a few ms each (a trial is the fastest of five, see codec-rate.ts): a 48-byte record
  // takes ~10x as long as an 8-byte one, ImageData and the hiking database more.
  const records = Math.max(10_000, recordsAll >> 3);
  const kTestData = (await kaitaiParsers(join(repoRoot, 'examples', 'formats', 'test_data.ksy')))['TestData']!;
  const td = new Uint8Array(records * 48);
  for (let i = 0; i < records; i++) TestData.encodeInto(sampleTestData(i), td, i * 48);
  const tdView = new DataView(td.buffer);
  const out = pairedRates('TestData', 'decode', records, pairs, {
    impl: 'hand-written DataView',
    fn: () => {
      let s = 0;
      for (let i = 0; i < records; i++) {
        const o = i * 48;
        const scores: number[] = [];
        for (let k = 0; k < 10; k++) scores.push(tdView.getInt32(o + 8 + 4 * k, true));
        const v = { id: tdView.getInt32(o, true), age: tdView.getInt32(o + 4, true), scores };
        s += v.age;
      }
      return s;
    },
  }, [
    {
      impl: 'twinmap TS decode',
      fn: () => {
        let s = 0;
        for (let i = 0; i < records; i++) s += TestData.decode(td, i * 48).age;
        return s;
      },
    },
    {
      impl: 'twinmap TS view (all fields)',
      fn: () => {
        let s = 0;
        for (let i = 0; i < records; i++) {
          const v = TestData.view(td, i * 48);
          s += v.id + v.age;
          for (let k = 0; k < 10; k++) s += v.getScores(k);
        }
        return s;
      },
    },
    {
      impl: 'Kaitai JS parser (shared stream)',
      fn: () => {
        const io = new KaitaiStream(new DataView(td.buffer, td.byteOffset, td.byteLength));
        let s = 0;
        for (let i = 0; i < records; i++) s += new kTestData(io)['age'] as number;
        return s;
      },
    },
  ]);
  const values = Array.from({ length: Math.min(records, 1024) }, (_, i) => sampleTestData(i));
  const target = new Uint8Array(records * 48);
  const tv = new DataView(target.buffer);
  out.push(...pairedRates('TestData', 'encode', records, pairs, {
    impl: 'hand-written DataView',
    fn: () => {
      for (let i = 0; i < records; i++) {
        const v = values[i & 1023]!;
        const o = i * 48;
        tv.setInt32(o, v.id, true);
        tv.setInt32(o + 4, v.age, true);
        for (let k = 0; k < 10; k++) tv.setInt32(o + 8 + 4 * k, v.scores[k]!, true);
      }
      return records;
    },
  }, [
    {
      impl: 'twinmap TS encodeInto',
      fn: () => {
        let s = 0;
        for (let i = 0; i < records; i++) s += TestData.encodeInto(values[i & 1023]!, target, i * 48);
        return s;
      },
    },
  ]));
  return out;
}

/** ImageData: fewer records (each is ~300 bytes), back to back. */
export async function imageDataGroups(records: number, pairs: number): Promise<CodecRate[]> {
  const kImage = (await kaitaiParsers(join(repoRoot, 'examples', 'formats', 'image_data.ksy')))['ImageData']!;
  const n = Math.max(1000, records >> 5);
  const one = ImageData.encode({ path: PATH, image: IMAGE });
  const img = new Uint8Array(n * one.length);
  for (let i = 0; i < n; i++) img.set(one, i * one.length);
  const iv = new DataView(img.buffer);
  const dec = new TextDecoder();
  const out = pairedRates('ImageData', 'decode', n, pairs, {
    impl: 'hand-written DataView',
    fn: () => {
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
    },
  }, [
    {
      impl: 'twinmap TS decode',
      fn: () => {
        let s = 0;
        let off = 0;
        for (let i = 0; i < n; i++) {
          const r = ImageData.decodeWithSize(img, off);
          off += r.size;
          s += r.value.image.length;
        }
        return s;
      },
    },
    {
      impl: 'Kaitai JS parser (shared stream)',
      fn: () => {
        const io = new KaitaiStream(new DataView(img.buffer, img.byteOffset, img.byteLength));
        let s = 0;
        for (let i = 0; i < n; i++) s += (new kImage(io)['image'] as Uint8Array).length;
        return s;
      },
    },
  ]);
  const imgOut = new Uint8Array(n * one.length);
  const enc = new TextEncoder();
  const ov = new DataView(imgOut.buffer);
  const value = { path: PATH, image: IMAGE };
  out.push(...pairedRates('ImageData', 'encode', n, pairs, {
    impl: 'hand-written DataView',
    fn: () => {
      let off = 0;
      for (let i = 0; i < n; i++) {
        const w = enc.encodeInto(value.path, imgOut.subarray(off + 4));
        ov.setInt32(off, w.written, true);
        ov.setInt32(off + 4 + w.written, value.image.length, true);
        imgOut.set(value.image, off + 8 + w.written);
        off += 8 + w.written + value.image.length;
      }
      return off;
    },
  }, [
    {
      impl: 'twinmap TS encodeInto',
      fn: () => {
        let off = 0;
        for (let i = 0; i < n; i++) off += ImageData.encodeInto(value, imgOut, off);
        return off;
      },
    },
  ]));
  return out;
}

/**
 * The groups the TS side measures, each in a process of its own (bench/codec-child.ts): a fresh
 * process per record type, so that one record's code does not run on feedback V8 gathered from
 * another's (the bench's loops are shared between record types, and the runs of one bench process
 * would otherwise see the feedback of the runs before them).
 */
export const TS_GROUPS = ['TestData', 'ImageData', 'MyDataStructure', 'HikingDatabase', 'gallery WindowsSystemtime', 'gallery Stl'] as const;

/** Measures the TS side: every group in its own Node process. */
export function measureTsCodecs(records: number, pairs: number): CodecRate[] {
  return TS_GROUPS.flatMap((group) => rates(execFileSync(process.execPath, [codecChildJs, group, String(records), String(pairs)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })));
}

/** The `{event: "rate", ...}` lines of a child's output. */
function rates(out: string): CodecRate[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { event: string } & CodecRate)
    .filter((e) => e.event === 'rate')
    .map(({ record, op, impl, recordsPerSec, pairs }) => ({ record, op, impl, recordsPerSec, ...(pairs ? { pairs } : {}) }));
}

/** The C# side, measured by the Peer's codec-bench command. */
export function measureCsCodecs(records: number, pairs: number): CodecRate[] {
  return rates(execFileSync('dotnet', [peerDll, 'codec-bench', `records=${records}`, `pairs=${pairs}`], { encoding: 'utf8' }));
}

/** Rows for `npm run bench`: each rate, with its paired ratio to the hand-written code of the same language. */
export function codecRows(rates: CodecRate[], lang: string): ExtraRow[] {
  return rates.map((r) => {
    const p = r.pairs && r.pairs.length > 0 ? summarisePaired(r.pairs) : undefined;
    const ratio = p ? ` (${p.median.toFixed(2)}× hand-written, pairs ${p.p25.toFixed(2)}–${p.p75.toFixed(2)})` : '';
    return {
      id: 'codec',
      section: 'codec',
      name: `${lang} ${r.record} ${r.op}: ${r.impl}`,
      value: r.recordsPerSec,
      unit: 'records/s',
      better: 'higher',
      detail: `${(r.recordsPerSec / 1e6).toFixed(2)} M/s${ratio}`,
      ...(r.pairs ? { pairs: r.pairs } : {}),
    };
  });
}

export const codecBench: ExtraSpec = {
  id: 'codec',
  case: 'codec',
  available: () => existsSync(join(repoRoot, 'examples', 'formats', 'test_data.ksy')),
  async run(o: Options): Promise<ExtraRow[]> {
    const records = o.quick ? 100_000 : 1_000_000;
    const pairs = codecPairs(o.quick);
    const rows = codecRows(measureTsCodecs(records, pairs), 'TS');
    if (existsSync(peerDll)) rows.push(...codecRows([...measureCsCodecs(records, pairs), ...(await measureCsGalleryCodecs(records, pairs))], 'C#'));
    return rows;
  },
};
