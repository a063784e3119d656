// NRBF (BinaryFormatter) payload rates, objects/s, in one run: a hiking database (hikes with GPS
// tracks, as a legacy .NET app shares it) decoded and encoded by twinmap's TS reader/writer, next
// to .NET's NrbfDecoder (the BCL's safe reader) and BinaryFormatter, measured by the test-only
// .NET program dotnet/Twinmap.NrbfApp on the same payload.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNrbf, encodeNrbf } from 'twinmap';
import type { ExtraRow, ExtraSpec } from './extra-row.js';
import type { Options } from './options.js';
import { repoRoot } from './paths.js';

const appDll = join(repoRoot, 'dotnet', 'Twinmap.NrbfApp', 'bin', 'Release', 'net10.0', 'Twinmap.NrbfApp.dll');

/** Runs `fn` repeatedly for about `ms`; returns runs/s. */
function perSecond(ms: number, fn: () => unknown): number {
  fn();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    fn();
    n++;
  }
  return (n * 1000) / (performance.now() - t0);
}

export const nrbfBench: ExtraSpec = {
  id: 'nrbf',
  case: 'nrbf',
  available: () => existsSync(appDll),
  async run(o: Options): Promise<ExtraRow[]> {
    const hikes = o.quick ? 20 : 100;
    const points = o.quick ? 50 : 100;
    const ms = o.quick ? 300 : 2000;
    // objects in the graph: the database, its hikes array, and per hike the hike, its track array and its points
    const objects = 2 + hikes * (2 + points);
    const dir = mkdtempSync(join(tmpdir(), 'twinmap-bench-nrbf-'));
    try {
      const file = join(dir, 'hiking.bin');
      const out = execFileSync('dotnet', [appDll, 'bench', `hikes=${hikes}`, `points=${points}`, `ms=${ms}`, `objects=${objects}`, `out=${file}`], { encoding: 'utf8' });
      const dotnet = JSON.parse(out.split('\n').find((l) => l.includes('"bench"'))!) as Record<string, number>;
      const bytes = new Uint8Array(readFileSync(file));
      const graph = decodeNrbf(bytes);
      const rows: Array<[string, number]> = [
        ['TS decodeNrbf', perSecond(ms, () => decodeNrbf(bytes)) * objects],
        ['TS encodeNrbf', perSecond(ms, () => encodeNrbf(graph)) * objects],
        ['.NET NrbfDecoder.Decode', dotnet['nrbfDecoder']!],
        ['.NET BinaryFormatter.Deserialize', dotnet['bfDeserialize']!],
        ['.NET BinaryFormatter.Serialize', dotnet['bfSerialize']!],
      ];
      return rows.map(([impl, value]) => ({
        id: 'nrbf',
        section: 'nrbf',
        name: `hiking database (${hikes}×${points} points, ${bytes.length} bytes): ${impl}`,
        value,
        unit: 'objects/s',
        better: 'higher',
        detail: `${(value / 1e6).toFixed(2)} M objects/s`,
      }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
