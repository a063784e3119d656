// `npm run fuzz:nrbf`: mutation-fuzzes the NRBF reader with payloads BinaryFormatter wrote (the
// corpus of the test-only .NET program, dotnet/Twinmap.NrbfApp; needs its build).
//   node dist/tools/fuzz/nrbf-fuzz-run.js [--count N] [--seed S] [--corpus DIR]
// Prints the figures; exit code 1 if any input crashed the reader (anything but NrbfDecodeError).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fuzzNrbf } from './nrbf-fuzz.js';
import { repoRoot } from '../../ts/test-support/repo-root.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '1' }, corpus: { type: 'string' } } });
const count = Number(values.count);
const seed = Number(values.seed);

let dir = values.corpus;
let temp: string | undefined;
if (dir === undefined) {
  temp = dir = mkdtempSync(join(tmpdir(), 'twinmap-nrbf-fuzz-'));
  const dll = join(repoRoot, 'dotnet', 'Twinmap.NrbfApp', 'bin', 'Release', 'net10.0', 'Twinmap.NrbfApp.dll');
  execFileSync('dotnet', [dll, 'corpus', `dir=${dir}`], { stdio: ['ignore', 'ignore', 'inherit'] });
}
// the untyped shapes need layouts the fuzzer does not give; their mutants are refused early, which is fine
const seeds = readdirSync(dir)
  .filter((f) => f.endsWith('.bin') && !f.endsWith('.node.bin'))
  .sort()
  .map((f) => new Uint8Array(readFileSync(join(dir, f))));
const started = performance.now();
let next = 100_000;
const r = fuzzNrbf(seeds, count, seed, {}, (done) => {
  if (done < next) return;
  process.stderr.write(`  ${done} inputs...\n`);
  next += 100_000;
});
const seconds = (performance.now() - started) / 1000;
if (temp !== undefined) rmSync(temp, { recursive: true, force: true });
console.log(
  `nrbf fuzz: ${r.inputs} mutated inputs from ${seeds.length} BinaryFormatter payloads in ${seconds.toFixed(1)} s: ` +
    `${r.accepted} accepted, ${r.refused} refused with NrbfDecodeError, ${r.crashCount} crashed; ` +
    `slowest input ${r.slowestMs.toFixed(1)} ms, peak RSS ${(r.peakRss / 2 ** 20).toFixed(0)} MiB`,
);
for (const c of r.crashes) console.log(`crash: ${c.error}\n  input: ${c.input}`);
process.exit(r.crashCount > 0 ? 1 : 0);
