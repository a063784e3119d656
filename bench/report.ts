// Turns the runs into the summary (latency: the run with the median p50; throughput: the best run;
// ratios to references from the same runs) and renders it as a text table (terminal, CI log) and Markdown.
import type { Options } from './options.js';
import type { PairSpec } from './pairs.js';
import type { RunResult } from './results.js';
import type { ExtraRow } from './extra-row.js';
import type { Machine } from './machine.js';
import { median, medianLatency, pct, type Latency } from './stats.js';

export interface LatencyRow {
  id: string;
  label: string;
  floorRef: 'spin' | 'futex';
  latency: Latency;
  /** p50 / floor p50 (>= 1; lower is better). */
  xFloor: number;
  /** pipe p50 / this p50 (how many times faster than the named pipe). */
  xPipe: number;
}

export interface ThroughputRow {
  id: string;
  label: string;
  bytes: number;
  messagesPerSecond: number;
  gbPerSecond: number;
  /** messages/s / C ring messages/s at the same size (<= 1; higher is better). */
  xFloor: number;
  /** messages/s / pipe messages/s at the same size. */
  xPipe: number;
}

export interface IdleRow {
  id: string;
  label: string;
  sides: [string, string];
  clientCpuPct: number;
  serverCpuPct: number;
  clientRssMiB: number;
  serverRssMiB: number;
  clientPeakRssMiB: number;
  serverPeakRssMiB: number;
}

export interface ExtraSummaryRow extends ExtraRow {
  floorValue?: number;
  xFloor?: number;
}

export interface Summary {
  runs: number;
  floor: {
    spin?: Latency;
    futex?: Latency;
    ring: Array<{ bytes: number; ringBytes: number; messagesPerSecond: number; gbPerSecond: number }>;
    memcpy: Array<{ bytes: number; gbPerSecond: number }>;
    mutex?: { uncontendedNs: number; contendedNs: number };
  };
  latency: LatencyRow[];
  throughput: ThroughputRow[];
  idle: IdleRow[];
  extras: ExtraSummaryRow[];
  failures: string[];
}

const defined = <T>(x: T | undefined): x is T => x !== undefined;

/** Throughput: the best run. Other work on the machine only ever slows a run down, so the best of
 * the runs is the closest to what the transport can do (and the floor to what the machine allows). */
function best(ts: Array<{ messagesPerSecond: number; gbPerSecond: number }>): { messagesPerSecond: number; gbPerSecond: number } {
  return ts.reduce((a, b) => (b.messagesPerSecond > a.messagesPerSecond ? b : a), ts[0]!);
}

export function summarise(runs: RunResult[], pairs: PairSpec[], o: Options): Summary {
  const fl = runs.map((r) => r.floor);
  const spin = medianLatency(fl.map((f) => f.spin?.rtt).filter(defined));
  const futex = medianLatency(fl.map((f) => f.futex?.rtt).filter(defined));
  const ring = o.sizes
    .map((bytes) => {
      const rs = fl.map((f) => f.ring.find((x) => x.bytes === bytes)).filter(defined);
      if (rs.length === 0) return undefined;
      return { bytes, ringBytes: rs[0]!.ringBytes, ...best(rs) };
    })
    .filter(defined);
  const memcpySizes = [...new Set(fl.flatMap((f) => f.memcpy.map((m) => m.bytes)))];
  const memcpy = memcpySizes.map((bytes) => ({ bytes, gbPerSecond: Math.max(...fl.map((f) => f.memcpy.find((m) => m.bytes === bytes)?.gbPerSecond).filter(defined)) }));
  const mutexRuns = fl.map((f) => f.mutex).filter(defined);
  const mutex = mutexRuns.length ? { uncontendedNs: median(mutexRuns.map((m) => m.uncontendedNs)), contendedNs: median(mutexRuns.map((m) => m.contendedNs)) } : undefined;

  const failures: string[] = [];
  const pairLatency = new Map<string, Latency>();
  const pairTput = new Map<string, Map<number, { messagesPerSecond: number; gbPerSecond: number }>>();
  const idle: IdleRow[] = [];
  for (const p of pairs) {
    const prs = runs.map((r) => r.pairs[p.id]).filter(defined);
    for (const [i, pr] of prs.entries()) if (pr.error) failures.push(`${p.id} (run ${i + 1}): ${pr.error}`);
    const lat = medianLatency(prs.map((x) => x.latency).filter(defined));
    if (lat) pairLatency.set(p.id, lat);
    const bySize = new Map<number, { messagesPerSecond: number; gbPerSecond: number }>();
    for (const bytes of o.sizes) {
      const ts = prs.map((x) => x.throughput.find((t) => t.bytes === bytes)).filter(defined);
      if (ts.length) bySize.set(bytes, best(ts));
    }
    pairTput.set(p.id, bySize);
    const idles = prs.map((x) => x.idle).filter(defined);
    const mems = prs.map((x) => x.memory).filter(defined);
    if (idles.length || mems.length) {
      const mib = (kb: number[]) => median(kb) / 1024;
      idle.push({
        id: p.id,
        label: p.label,
        sides: p.sides,
        clientCpuPct: median(idles.map((x) => x.clientCpuPct)),
        serverCpuPct: median(idles.map((x) => x.serverCpuPct)),
        clientRssMiB: mib(mems.map((m) => m.clientRssKb)),
        serverRssMiB: mib(mems.map((m) => m.serverRssKb)),
        clientPeakRssMiB: mib(mems.map((m) => m.clientPeakRssKb)),
        serverPeakRssMiB: mib(mems.map((m) => m.serverPeakRssKb)),
      });
    }
  }

  const pipeLat = pairLatency.get('pipe');
  const latency: LatencyRow[] = [];
  const floorRow = (id: string, label: string, l: Latency | undefined, ref: 'spin' | 'futex') => {
    if (l) latency.push({ id, label, floorRef: ref, latency: l, xFloor: NaN, xPipe: NaN });
  };
  floorRow('floor-spin', 'C floor: spin on a cache line', spin, 'spin');
  floorRow('floor-futex', 'C floor: futex wait/wake', futex, 'futex');
  for (const p of pairs) {
    const l = pairLatency.get(p.id);
    if (l) latency.push({ id: p.id, label: p.label, floorRef: p.floor, latency: l, xFloor: NaN, xPipe: NaN });
  }
  for (const row of latency) {
    const ref = row.floorRef === 'spin' ? spin : futex;
    row.xFloor = ref ? pct(row.latency, 50) / pct(ref, 50) : NaN;
    row.xPipe = pipeLat ? pct(pipeLat, 50) / pct(row.latency, 50) : NaN;
  }

  const throughput: ThroughputRow[] = [];
  const pipeT = pairTput.get('pipe');
  for (const bytes of o.sizes) {
    const fr = ring.find((r) => r.bytes === bytes);
    const add = (id: string, label: string, t: { messagesPerSecond: number; gbPerSecond: number } | undefined) => {
      if (!t) return;
      const pipe = pipeT?.get(bytes);
      throughput.push({
        id,
        label,
        bytes,
        ...t,
        xFloor: fr ? t.messagesPerSecond / fr.messagesPerSecond : NaN,
        xPipe: pipe ? t.messagesPerSecond / pipe.messagesPerSecond : NaN,
      });
    };
    add('floor-ring', `C floor: SPSC ring (${(fr?.ringBytes ?? 0) / (1 << 20)} MiB)`, fr);
    for (const p of pairs) add(p.id, p.label, pairTput.get(p.id)?.get(bytes));
  }

  // Extras: the median run per (id, name); ratio to the floor figure they name.
  const extras: ExtraSummaryRow[] = [];
  const keys = new Map<string, ExtraRow[]>();
  for (const r of runs) for (const x of r.extras) keys.set(`${x.id}\u0000${x.name}`, [...(keys.get(`${x.id}\u0000${x.name}`) ?? []), x]);
  for (const rows of keys.values()) {
    for (const x of rows) if (x.error) failures.push(`${x.id}: ${x.error}`);
    // The median run's row, whole: its detail (e.g. a ratio measured in that run) stays consistent with its value.
    const ok = rows.filter((x) => !Number.isNaN(x.value)).sort((a, b) => a.value - b.value);
    const mid = ok[(ok.length - 1) >> 1] ?? rows[0]!;
    const floorValue = mid.floorRef === 'mutex.uncontendedNs' ? mutex?.uncontendedNs : mid.floorRef === 'mutex.contendedNs' ? mutex?.contendedNs : undefined;
    extras.push({ ...mid, floorValue, xFloor: floorValue ? mid.value / floorValue : undefined });
  }
  return { runs: runs.length, floor: { spin, futex, ring, memcpy, mutex }, latency, throughput, idle, extras, failures };
}

// ---------- rendering ----------

const us = (ns: number) => (ns / 1000).toFixed(ns < 10_000 ? 2 : 1);
const x = (v: number, digits = 2) => (Number.isFinite(v) ? `${v >= 100 ? v.toFixed(0) : v.toPrecision(digits)}×` : '–');
const size = (b: number) => (b >= 1 << 20 ? `${b / (1 << 20)} MiB` : b >= 1024 ? `${b / 1024} KiB` : `${b} B`);
const rate = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k` : v.toFixed(0));
export const value = (v: number, unit: string) =>
  unit === 'ns' ? (v >= 1e3 ? `${(v / 1e3).toFixed(2)} µs` : `${v.toFixed(0)} ns`) : unit.endsWith('/s') ? `${rate(v)} ${unit}` : `${v.toPrecision(3)} ${unit}`;

interface Table {
  title: string;
  head: string[];
  rows: string[][];
  note: string;
}

function tables(s: Summary): Table[] {
  const out: Table[] = [];
  if (s.latency.length) {
    out.push({
      title: 'Round trip, 64 B (µs)',
      head: ['transport', 'p50', 'p99', 'p99.9', 'round trips/s', 'n', '×floor (p50)', 'faster than pipe'],
      rows: s.latency.map((r) => [r.label, us(pct(r.latency, 50)), us(pct(r.latency, 99)), us(pct(r.latency, 99.9)), rate(r.latency.perSecond), String(r.latency.n), `${x(r.xFloor)} ${r.floorRef}`, x(r.xPipe)]),
      note: '×floor = p50 ÷ the floor p50 (spin for designs that stay awake, futex for ones that sleep); lower is better. faster than pipe = pipe p50 ÷ p50.',
    });
  }
  if (s.throughput.length) {
    out.push({
      title: 'One way, sender → receiver',
      head: ['transport', 'size', 'messages/s', 'GB/s', '×C ring', '×pipe'],
      rows: s.throughput.map((r) => [r.label, size(r.bytes), rate(r.messagesPerSecond), r.gbPerSecond.toFixed(r.gbPerSecond < 1 ? 3 : 2), x(r.xFloor), x(r.xPipe)]),
      note: `best of the runs. ×C ring and ×pipe = messages/s ÷ theirs at the same size; higher is better. memcpy, one core: ${s.floor.memcpy.map((m) => `${size(m.bytes)} ${m.gbPerSecond.toFixed(1)} GB/s`).join(', ')}.`,
    });
  }
  if (s.idle.length) {
    out.push({
      title: 'Idle CPU and resident memory per side (client / server)',
      head: ['transport', 'sides', 'idle CPU % of a core', 'RSS MiB', 'peak RSS MiB'],
      rows: s.idle.map((r) => [r.label, `${r.sides[0]} / ${r.sides[1]}`, `${r.clientCpuPct.toFixed(2)} / ${r.serverCpuPct.toFixed(2)}`, `${r.clientRssMiB.toFixed(0)} / ${r.serverRssMiB.toFixed(0)}`, `${r.clientPeakRssMiB.toFixed(0)} / ${r.serverPeakRssMiB.toFixed(0)}`]),
      note: 'idle: both sides connected and waiting; CPU from /proc/<pid>/task/*/schedstat over the idle window.',
    });
  }
  const sections = [...new Set(s.extras.map((e) => e.section))];
  for (const section of sections) {
    const rows = s.extras.filter((e) => e.section === section);
    out.push({
      title: section === 'mutex' ? 'Named mutex, lock + unlock' : section === 'codec' ? 'Generated codecs' : section === 'nrbf' ? 'NRBF (BinaryFormatter) payloads' : section,
      head: ['case', 'value', 'floor', '×floor', 'note'],
      rows: rows.map((r) => [r.name, value(r.value, r.unit), r.floorValue !== undefined ? value(r.floorValue, r.unit) : '–', x(r.xFloor ?? NaN), r.detail ?? '']),
      note: section === 'mutex' ? 'floor: a robust process-shared pthread mutex in C (what a .NET named mutex is on Linux).' : '',
    });
  }
  return out;
}

function header(m: Machine, o: Options, s: Summary): string {
  return `${m.date.slice(0, 16).replace('T', ' ')} UTC · ${m.cpuModel}, ${m.cores} cores · Linux ${m.kernel} · Node ${m.node} · .NET ${m.dotnet} · ` +
    `${s.runs} run(s): latency from the median run, throughput from the best · ${o.roundTrips} round trips · ${o.durationMs} ms per size${o.pin ? ' · sides pinned to CPUs 0 and 1' : ''}`;
}

export function renderTable(s: Summary, m: Machine, o: Options): string {
  const parts = [header(m, o, s)];
  for (const t of tables(s)) {
    const widths = t.head.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    parts.push(`\n${t.title}\n${line(t.head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${t.rows.map(line).join('\n')}${t.note ? `\n  ${t.note}` : ''}`);
  }
  return parts.join('\n');
}

export function renderMarkdown(s: Summary, m: Machine, o: Options): string {
  const parts = [header(m, o, s)];
  for (const t of tables(s)) {
    parts.push(`**${t.title}**\n\n| ${t.head.join(' | ')} |\n|${t.head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|\n${t.rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}${t.note ? `\n\n${t.note}` : ''}`);
  }
  return `${parts.join('\n\n')}\n`;
}
