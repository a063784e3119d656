// `npm run bench`: measures the floor, the socket/pipe alternatives and twinmap in one run,
// then prints the table (every row as ratios to references measured in this run), and writes
// the raw figures (JSON), the table (Markdown) and a chart (SVG) to --out.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseOptions, USAGE, UsageRequest, type CaseName, type Options } from './options.js';
import { floor, RING_BYTES, type FloorMemcpy, type FloorMutex, type FloorPingPong, type FloorRing } from './floor.js';
import { PAIRS, type PairSpec } from './pairs.js';
import { CHANNEL_PAIRS } from './channel-pairs.js';
import { IPC_PAIRS } from './ipc-pairs.js';
import { EXTRAS } from './extras.js';
import type { ExtraRow } from './extra-row.js';
import { machine, type Machine } from './machine.js';
import { peerProject, repoRoot } from './paths.js';
import { pct, type Latency } from './stats.js';
import type { Throughput } from './stream.js';
import type { FloorRun, PairRun, RunResult } from './results.js';
import { summarise as summariseRuns, renderTable, renderMarkdown, value as fmtValue } from './report.js';
import { renderChart } from './chart.js';
import { measurePaired } from './paired.js';
import { evaluateTargets, renderTargets, renderTargetsMarkdown } from './targets.js';

const t0 = Date.now();
function progress(msg: string): void {
  const s = ((Date.now() - t0) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[${s}s] ${msg}\n`);
}

const fmtSize = (b: number) => (b >= 1 << 20 ? `${b / (1 << 20)} MiB` : b >= 1024 ? `${b / 1024} KiB` : `${b} B`);
const fmtNs = (ns: number) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);

async function measureFloor(o: Options, cpus: [number, number] | undefined, label: string): Promise<FloorRun> {
  const f: FloorRun = { ring: [], memcpy: [] };
  if (o.cases.has('latency')) {
    f.spin = await floor<FloorPingPong>('spin', { n: o.roundTrips, maxms: o.maxCaseSeconds * 1000 }, cpus);
    progress(`${label} floor spin round trip p50 ${fmtNs(pct(f.spin.rtt, 50))} (${f.spin.rtt.n} round trips)`);
    f.futex = await floor<FloorPingPong>('futex', { n: o.roundTrips, maxms: o.maxCaseSeconds * 1000 }, cpus);
    progress(`${label} floor futex round trip p50 ${fmtNs(pct(f.futex.rtt, 50))} (${f.futex.rtt.n} round trips)`);
  }
  if (o.cases.has('throughput')) {
    for (const size of o.sizes) {
      const r = await floor<FloorRing>('ring', { size, ring: Math.max(RING_BYTES, nextPow2(2 * (size + 16))), ms: o.durationMs }, cpus);
      f.ring.push(r);
      progress(`${label} floor ring ${fmtSize(size)}: ${(r.messagesPerSecond / 1e6).toFixed(2)} M msg/s, ${r.gbPerSecond.toFixed(2)} GB/s`);
    }
    for (const size of [...o.sizes, 64 << 20]) {
      const m = await floor<FloorMemcpy>('memcpy', { size, ms: Math.max(50, Math.round(o.durationMs / 3)) }, cpus);
      f.memcpy.push(m);
    }
    progress(`${label} floor memcpy: ${f.memcpy.map((m) => `${fmtSize(m.bytes)} ${m.gbPerSecond.toFixed(1)} GB/s`).join(', ')}`);
  }
  if (o.cases.has('mutex')) {
    f.mutex = await floor<FloorMutex>('mutex', { n: o.quick ? 200_000 : 1_000_000, ms: o.durationMs }, cpus);
    progress(`${label} floor pthread mutex: uncontended ${fmtNs(f.mutex.uncontendedNs)}, contended ${fmtNs(f.mutex.contendedNs)} per lock+unlock`);
  }
  return f;
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

async function measurePair(spec: PairSpec, o: Options, cpus: [number, number] | undefined, label: string): Promise<PairRun> {
  const result: PairRun = { throughput: [] };
  const runs = (c: CaseName) => o.cases.has(c) && (spec.cases?.includes(c) ?? true);
  const pair = await spec.start(cpus);
  result.info = pair.info;
  try {
    if (runs('latency')) {
      const warmup = Math.min(5000, Math.ceil(o.roundTrips / 10));
      const r = await pair.client.ask({ op: 'rtt', size: 64, n: o.roundTrips, warmup, maxMs: o.maxCaseSeconds * 1000 }, 600_000);
      result.latency = r['latency'] as Latency;
      progress(`${label} ${spec.id} round trip 64 B: p50 ${fmtNs(pct(result.latency, 50))}, p99 ${fmtNs(pct(result.latency, 99))} (${result.latency.n} round trips)`);
    }
    if (runs('throughput')) {
      for (const size of o.sizes) {
        const r = await pair.client.ask({ op: 'oneway', size, ms: o.durationMs }, 120_000 + o.durationMs * 10);
        const t = r['throughput'] as Throughput;
        result.throughput.push(t);
        progress(`${label} ${spec.id} one-way ${fmtSize(size)}: ${(t.messagesPerSecond / 1e6).toFixed(3)} M msg/s, ${t.gbPerSecond.toFixed(2)} GB/s`);
      }
    }
    if (runs('idle')) {
      await pair.client.ask({ op: 'idle-begin' });
      // Let the wait settle first: a spinning phase ends, and .NET finishes its background
      // tier-1 JIT of what the throughput cases ran (otherwise counted as idle CPU).
      await sleep(o.quick ? 300 : 1000);
      const c0 = pair.client.cpuNs();
      const s0 = pair.server.cpuNs();
      const w0 = process.hrtime.bigint();
      await sleep(o.idleMs);
      const window = Number(process.hrtime.bigint() - w0);
      const clientCpuPct = ((pair.client.cpuNs() - c0) / window) * 100;
      const serverCpuPct = ((pair.server.cpuNs() - s0) / window) * 100;
      await pair.client.ask({ op: 'idle-end' });
      result.idle = { clientCpuPct, serverCpuPct, windowMs: window / 1e6 };
      progress(`${label} ${spec.id} idle CPU: ${spec.sides[0]} ${clientCpuPct.toFixed(2)} %, ${spec.sides[1]} ${serverCpuPct.toFixed(2)} % of a core`);
    }
    if (runs('memory')) {
      const c = pair.client.memory();
      const s = pair.server.memory();
      result.memory = { clientRssKb: c.rssKb, serverRssKb: s.rssKb, clientPeakRssKb: c.peakRssKb, serverPeakRssKb: s.peakRssKb };
    }
  } finally {
    await Promise.all([pair.client.stop(), pair.server.stop()]);
    pair.cleanup?.();
  }
  return result;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  let o: Options;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageRequest) {
      console.log(USAGE);
      return;
    }
    throw e;
  }
  if (o.report) {
    // Re-render the table, Markdown and chart from a JSON file of raw figures; measures nothing.
    const raw = JSON.parse(readFileSync(resolve(o.report), 'utf8')) as { machine: Machine; options: Options & { cases: string[] }; pairs: PairSpec[]; runs: RunResult[] };
    const ro = { ...raw.options, cases: new Set(raw.options.cases) } as Options;
    const summary = summariseRuns(raw.runs, raw.pairs, ro);
    console.log(renderTable(summary, raw.machine, ro));
    const targets = evaluateTargets(raw.runs);
    if (o.targets) console.log(`\n${renderTargets(targets)}`);
    const outDir = resolve(repoRoot, o.outDir);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'report.md'), `${renderMarkdown(summary, raw.machine, ro)}\n${renderTargetsMarkdown(targets)}`);
    writeFileSync(join(outDir, 'report.svg'), renderChart(summary, raw.runs, raw.machine));
    console.log(`
table: ${join(outDir, 'report.md')}, chart: ${join(outDir, 'report.svg')}`);
    return;
  }
  if (o.build) {
    progress('building the .NET Peer (dotnet build -c Release)');
    execFileSync('dotnet', ['build', peerProject, '-c', 'Release', '--nologo', '-v', 'q'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const cpus: [number, number] | undefined = o.pin ? [0, 1] : undefined;
  const pairs = [...PAIRS, ...CHANNEL_PAIRS, ...IPC_PAIRS].filter(
    (p) => (o.transports.size === 0 || o.transports.has(p.id)) && p.available() && (p.cases ?? ['latency', 'throughput', 'idle', 'memory']).some((c) => o.cases.has(c)),
  );
  const extras = EXTRAS.filter((x) => o.cases.has(x.case) && x.available());
  const info = machine();
  progress(`${info.cpuModel}, ${info.cores} cores, Node ${info.node}, .NET ${info.dotnet}; pairs: ${pairs.map((p) => p.id).join(', ')}`);

  const runs: RunResult[] = [];
  const pairedFailures: string[] = [];
  for (let r = 1; r <= o.runs; r++) {
    const label = `run ${r}/${o.runs} ·`;
    const run: RunResult = { floor: await measureFloor(o, cpus, label), pairs: {}, extras: [] };
    for (const spec of pairs) {
      try {
        run.pairs[spec.id] = await measurePair(spec, o, cpus, label);
      } catch (e) {
        run.pairs[spec.id] = { throughput: [], error: (e as Error).message };
        progress(`${label} ${spec.id} FAILED: ${(e as Error).message}`);
      }
    }
    try {
      run.paired = await measurePaired(o, cpus, (m) => progress(`${label} ${m}`));
    } catch (e) {
      progress(`${label} paired trials FAILED: ${(e as Error).message}`);
      pairedFailures.push(`run ${r}: paired trials: ${(e as Error).message}`);
    }
    for (const x of extras) {
      try {
        const rows = await x.run(o, cpus);
        run.extras.push(...rows);
        progress(`${label} ${x.id}: ${rows.map((row) => `${row.name} ${fmtValue(row.value, row.unit)}`).join(', ')}`);
      } catch (e) {
        progress(`${label} ${x.id} FAILED: ${(e as Error).message}`);
        run.extras.push({ id: x.id, section: x.case, name: `${x.id} failed`, value: NaN, unit: '', error: (e as Error).message });
      }
    }
    runs.push(run);
  }

  const summary = summariseRuns(runs, pairs, o);
  const table = renderTable(summary, info, o);
  console.log(`\n${table}`);
  const targets = evaluateTargets(runs);
  if (o.targets) console.log(`\n${renderTargets(targets)}`);
  const outDir = resolve(repoRoot, o.outDir);
  mkdirSync(outDir, { recursive: true });
  const stamp = info.date.replace(/[:.]/g, '-');
  const raw = { machine: { ...info, loadAverageAtEnd: machine().loadAverage }, options: { ...o, cases: [...o.cases], transports: [...o.transports] }, pairs: pairs.map((p) => ({ id: p.id, label: p.label, floor: p.floor, sides: p.sides })), runs, summary, targets };
  for (const name of [`bench-${stamp}.json`, 'latest.json']) writeFileSync(join(outDir, name), JSON.stringify(raw, null, 1));
  writeFileSync(join(outDir, 'latest.md'), `${renderMarkdown(summary, info, o)}\n${renderTargetsMarkdown(targets)}`);
  writeFileSync(join(outDir, 'latest.svg'), renderChart(summary, runs, info));
  console.log(`\nraw figures: ${join(outDir, `bench-${stamp}.json`)} (also latest.json), table: latest.md, chart: latest.svg`);
  console.log(`took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const failures = [...summary.failures, ...pairedFailures];
  if (failures.length > 0) {
    console.log(`\n${failures.length} case(s) failed:\n${failures.map((f) => `  ${f}`).join('\n')}`);
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exitCode = 1;
});
