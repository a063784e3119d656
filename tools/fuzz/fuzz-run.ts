// `npm run fuzz`: mutation-fuzzes every generated TS decoder (the codec sets of tools/spec-sets.ts:
// formats/*.ksy and examples/formats/*.ksy, default 10^6 inputs
// per record type) and, through the .NET Peer, every generated C# decoder (default 10^5).
//   node dist/tools/fuzz/fuzz-run.js [--iterations N] [--cs-iterations N] [--seed S]
// Exit code 1 if any input crashed a decoder (an exception other than DecodeError).
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { arbitraryOf, type Value } from '../../interop-tests/support/model-tools.js';
import { loadSpecs } from '../../ts/gen/load.js';
import { repoRoot } from '../../ts/test-support/repo-root.js';
import type { Codec } from '../../ts/gen/runtime/twinmap-runtime.js';
import { specFiles, specSets } from '../spec-sets.js';
import { fuzzDecoder, type FuzzResult } from './fuzz.js';

const { values: opts } = parseArgs({
  options: { iterations: { type: 'string', default: '1000000' }, 'cs-iterations': { type: 'string', default: '100000' }, seed: { type: 'string', default: '1' } },
});
const iterations = Number(opts.iterations);
const csIterations = Number(opts['cs-iterations']);
const seed = Number(opts.seed);

const root = repoRoot;

/** Valid encodings of random values: the inputs that mutations start from. */
export async function fuzzSeeds(): Promise<Array<{ name: string; codec: Codec<Value>; seeds: Uint8Array[] }>> {
  const out = [];
  for (const set of specSets.filter((s) => s.codecs)) {
    for (const file of specFiles(root, set)) {
      const spec = loadSpecs([join(root, file)])[0]!;
      // dist/tools/fuzz/ -> dist/<set.ts>/: the compiled codecs (tools/tsconfig.json builds them)
      const mod = (await import(new URL(`../../${set.ts}/${spec.id}.js`, import.meta.url).href)) as Record<string, Codec<Value>>;
      const codec = mod[spec.root.name]!;
      const values = fc.sample(arbitraryOf(spec.root), { numRuns: 32, seed });
      out.push({ name: spec.root.name, codec, seeds: values.map((v) => codec.encode(v)) });
    }
  }
  return out;
}

const all = await fuzzSeeds();
const results: Array<FuzzResult & { lang: string }> = [];
for (const { name, codec, seeds } of all) {
  const r = fuzzDecoder(name, (b) => codec.decode(b), seeds, iterations, seed);
  results.push({ ...r, lang: 'ts' });
  console.log(`ts  ${name.padEnd(16)} ${r.iterations} inputs: ${r.decoded} decoded, ${r.decodeErrors} DecodeError, ${r.crashes} crashes, slowest ${r.slowestMs.toFixed(2)} ms (${r.over50ms} over 50 ms), ${r.seconds.toFixed(1)} s`);
}

if (csIterations > 0) {
  const dir = mkdtempSync(join(tmpdir(), 'twinmap-fuzz-'));
  try {
    const seedFile = join(dir, 'seeds.json');
    writeFileSync(seedFile, JSON.stringify(Object.fromEntries(all.map((a) => [a.name, a.seeds.map((s) => Buffer.from(s).toString('hex'))]))));
    const dll = join(root, 'dotnet', 'Twinmap.Peer', 'bin', 'Release', 'net10.0', 'Twinmap.Peer.dll');
    const out = execFileSync('dotnet', [dll, 'codec-fuzz', `seeds=${seedFile}`, `iterations=${csIterations}`, `seed=${seed}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
    for (const line of out.split('\n').filter((l) => l.startsWith('{'))) {
      const r = JSON.parse(line) as FuzzResult & { event: string };
      if (r.event !== 'fuzzed') continue;
      results.push({ ...r, lang: 'cs' });
      console.log(`C#  ${r.name.padEnd(16)} ${r.iterations} inputs: ${r.decoded} decoded, ${r.decodeErrors} DecodeException, ${r.crashes} crashes, slowest ${r.slowestMs.toFixed(2)} ms (${r.over50ms} over 50 ms), ${r.seconds.toFixed(1)} s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const crashed = results.filter((r) => r.crashes > 0);
for (const r of crashed) console.error(`${r.lang} ${r.name}: ${JSON.stringify(r.crashSamples, null, 1)}`);
console.log(crashed.length === 0 ? 'fuzz: no crashes' : `fuzz: ${crashed.length} decoders crashed`);
process.exitCode = crashed.length === 0 ? 0 : 1;
