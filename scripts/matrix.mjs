#!/usr/bin/env node
// `npm run test:matrix`: the tests that meet another runtime, once per pinned runtime
// (scripts/runtimes.json), then one closing line with the totals. Legs:
//   dotnet-<id>  interop tests that start a .NET program (the Peer, the BCL-only app), with
//                TWINMAP_DOTNET=<id>: .NET 8, 9, 10, 11, 11-global (11 with the switch
//                System.Threading.Mutex.UnsafeDefaultMutexScopeGlobal=true)
//   unit-<id>    the C# unit tests (dotnet/Twinmap.Tests) on .NET 8 / 11, self-contained
//                (scripts/dotnet-unit-tests.mjs)
//   node-<v>     the TS unit tests and the interop tests Node's version matters to, on Node <v>
// `node scripts/matrix.mjs dotnet-8 unit-11 node-22 ...` runs the legs named; no names: all.
// Each leg prints its own vitest / dotnet test output; the table at the end has each leg's time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pins, publish, apps, repoRoot } from './dotnet-runtimes.mjs';
import { nodeBinDir } from './node-runtimes.mjs';

const interop = readdirSync(join(repoRoot, 'interop-tests')).filter((f) => f.endsWith('.test.ts'));
/** Interop files that start the Peer or the BCL-only app and depend on what the runtime does. */
const dotnetSuites = interop
  .filter((f) => /^(runtime|peer|bcl-app|mutex-|map-|event|inspect)/.test(f) && f !== 'mutex-worker.test.ts')
  .map((f) => `interop-tests/${f}`);
/** Interop files whose Node side matters to a Node version: the addon's mutex paths (sync,
 * async holder threads, workers), a shared map and a channel stream, against .NET 10. */
const nodeSuites = ['runtime', 'bcl-app', 'mutex-exclusion', 'mutex-abandon', 'mutex-async', 'mutex-worker', 'map-named', 'channel-stream']
  .map((f) => `interop-tests/${f}.test.ts`);
const tsUnit = (function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [relative(repoRoot, join(dir, e.name))] : [],
  );
})(join(repoRoot, 'ts'));

const legs = [
  ...Object.keys(pins.dotnet).map((id) => ({ name: `dotnet-${id}`, run: () => dotnetLeg(id) })),
  ...['8', '11'].map((id) => ({ name: `unit-${id}`, run: () => unitLeg(id) })),
  ...Object.keys(pins.node).map((v) => ({ name: `node-${v}`, run: () => nodeLeg(v) })),
];
const out = mkdtempSync(join(tmpdir(), 'twinmap-matrix-'));
const env = { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' };

function vitest(leg, files, extraEnv, nodeBin) {
  const json = join(out, `${leg}.json`);
  const e = { ...env, ...extraEnv, TWINMAP_SKIP_PEER_BUILD: '1', TWINMAP_SKIP_DIST_BUILD: '1' };
  if (nodeBin) e.PATH = `${nodeBin}:${e.PATH}`;
  const node = nodeBin ? join(nodeBin, 'node') : process.execPath;
  const r = spawnSync(node, [join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...files, '--reporter=default', '--reporter=json', `--outputFile.json=${json}`], {
    stdio: 'inherit',
    env: e,
    cwd: repoRoot,
  });
  if (!existsSync(json)) return { passed: 0, failed: 0, skipped: 0, ok: false };
  const j = JSON.parse(readFileSync(json, 'utf8'));
  return { passed: j.numPassedTests, failed: j.numFailedTests, skipped: j.numPendingTests + j.numTodoTests, ok: r.status === 0 };
}

/** Suites about an API .NET 10 added (NamedWaitHandleOptions): not run on .NET 8 and 9. */
const needsNet10 = ['interop-tests/mutex-user-scope.test.ts'];

/** Suites whose assertions are .NET 6-10 behaviour (Dispose abandons, the OS tid in the file,
 * .NET 10's exception types, the .dotnet-uid tree): not run on .NET 11, where `mutex-generation`,
 * `bcl-app` and `runtime` check what 11.0.0 does instead. */
const assertsNet10 = ['inspect', 'mutex-abandon', 'mutex-bad-input', 'mutex-user-scope'].map((f) => `interop-tests/${f}.test.ts`);
/** Suites whose Node side creates the name first without `{ dotnet }`, which on .NET 11's default
 * per-user scope is, by the documented rule, a different mutex: run only with the global switch. */
const nodeCreatesFirst = ['mutex-async', 'mutex-cleanup', 'mutex-exclusion', 'mutex-scope', 'mutex-timeout'].map((f) => `interop-tests/${f}.test.ts`);

function dotnetLeg(id) {
  for (const app of Object.keys(apps)) publish(id, app);
  const major = Number(pins.dotnet[id].runtime.split('.')[0]);
  const skip = new Set([
    ...(major < 10 ? needsNet10 : []),
    ...(major >= 11 ? assertsNet10 : []),
    ...(id === '11' ? nodeCreatesFirst : []),
  ]);
  return vitest(`dotnet-${id}`, dotnetSuites.filter((f) => !skip.has(f)), { TWINMAP_DOTNET: id });
}

function nodeLeg(v) {
  return vitest(`node-${v}`, [...tsUnit, ...nodeSuites], { TWINMAP_NODE: v }, nodeBinDir(v));
}

/** The C# unit tests, self-contained on the pinned runtime (scripts/dotnet-unit-tests.mjs). */
function unitLeg(id) {
  const pin = pins.dotnet[id];
  const trx = join(out, `unit-${id}.trx`);
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'dotnet-unit-tests.mjs'), pin.tfm, pin.runtime, '--logger', `trx;LogFileName=${trx}`], {
    stdio: 'inherit',
    env,
  });
  if (!existsSync(trx)) return { passed: 0, failed: 0, skipped: 0, ok: false };
  const m = readFileSync(trx, 'utf8').match(/<Counters[^>]*total="(\d+)"[^>]*passed="(\d+)"[^>]*failed="(\d+)"/);
  if (!m) return { passed: 0, failed: 0, skipped: 0, ok: false };
  return { passed: Number(m[2]), failed: Number(m[3]), skipped: Number(m[1]) - Number(m[2]) - Number(m[3]), ok: r.status === 0 };
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !legs.some((l) => l.name === w));
if (unknown.length) {
  console.error(`unknown leg(s) ${unknown.join(', ')}; legs: ${legs.map((l) => l.name).join(', ')}`);
  process.exit(2);
}
// dist/ (what the Node child processes import) once for every leg.
if (spawnSync('npx', ['tsc', '-p', join(repoRoot, 'tsconfig.build.json')], { stdio: 'inherit', cwd: repoRoot }).status !== 0) {
  console.error('tsc -p tsconfig.build.json failed');
  process.exit(1);
}
const rows = [];
for (const leg of legs.filter((l) => wanted.length === 0 || wanted.includes(l.name))) {
  console.log(`\n=== matrix leg ${leg.name}`);
  const started = Date.now();
  let result;
  try {
    result = leg.run();
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    result = { passed: 0, failed: 0, skipped: 0, ok: false };
  }
  rows.push({ leg: leg.name, seconds: Math.round((Date.now() - started) / 1000), ...result });
}
console.log('\nleg            time  passed  failed  skipped');
for (const r of rows) {
  console.log(`${r.leg.padEnd(14)}${String(r.seconds).padStart(4)} s${String(r.passed).padStart(8)}${String(r.failed).padStart(8)}${String(r.skipped).padStart(9)}${r.ok ? '' : '  FAILED'}`);
}
const total = rows.reduce((t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }), { passed: 0, failed: 0, skipped: 0 });
const failedLegs = rows.filter((r) => !r.ok).map((r) => r.leg);
if (failedLegs.length) console.log(`failed legs: ${failedLegs.join(', ')}`);
console.log(`matrix: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failedLegs.length ? 1 : 0);
