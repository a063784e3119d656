#!/usr/bin/env node
// `npm test`: every suite, in order, then one closing line with the totals.
//   typecheck (tsc) -> .NET unit tests (dotnet test) -> TS unit + interop tests (vitest)
// `npm test -- ts|interop|dotnet|types` runs a subset. Exit code is non-zero if any step failed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const only = new Set(process.argv.slice(2));
const want = (step) => only.size === 0 || only.has(step);
const out = mkdtempSync(join(tmpdir(), 'twinmap-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
let failedSteps = [];

function run(step, cmd, args, extraEnv = {}) {
  console.log(`\n=== ${step}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  if (r.status !== 0) failedSteps.push(step);
  return r.status === 0;
}

if (want('types')) {
  run('types', 'npx', ['tsc', '--noEmit', '-p', '.']);
}

if (want('dotnet')) {
  const trx = join(out, 'dotnet.trx');
  run('dotnet', 'dotnet', ['test', 'dotnet/Twinmap.slnx', '-c', 'Release', '--nologo', '--logger', `trx;LogFileName=${trx}`, '--logger', 'console;verbosity=normal']);
  if (existsSync(trx)) {
    const m = readFileSync(trx, 'utf8').match(/<Counters[^>]*total="(\d+)"[^>]*passed="(\d+)"[^>]*failed="(\d+)"/);
    if (m) {
      totals.passed += Number(m[2]);
      totals.failed += Number(m[3]);
      totals.skipped += Number(m[1]) - Number(m[2]) - Number(m[3]);
    }
  } else failedSteps.push('dotnet (no results)');
}

const vitestTargets = [];
if (want('ts')) vitestTargets.push('ts/', 'examples/', 'tools/');
if (want('interop')) vitestTargets.push('interop-tests/');
if (vitestTargets.length > 0) {
  const json = join(out, 'vitest.json');
  run('vitest', 'npx', ['vitest', 'run', ...vitestTargets, '--reporter=default', '--reporter=json', `--outputFile.json=${json}`]);
  if (existsSync(json)) {
    const r = JSON.parse(readFileSync(json, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + r.numTodoTests;
  } else failedSteps.push('vitest (no results)');
}

console.log('');
if (failedSteps.length > 0) console.log(`failed steps: ${failedSteps.join(', ')}`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSteps.length > 0 ? 1 : 0);
