// `npm run bench -- --targets`: the performance targets, each as a ratio measured within one run
// (a pair against the C floor or against another pair, a generated codec against hand-written
// code; paired alternating trials where the run has them), the median, and whether it is met. Ratios, not absolute numbers:
// on a shared machine the absolute figures drift by 2-5x between minutes, the ratios much less.
import type { RunResult } from './results.js';
import { median, pct } from './stats.js';
import { summarisePaired, type PairedId } from './paired.js';

export interface Target {
  /** What is measured, as the docs name it. */
  what: string;
  /** The goal: the ratio must be at most (`<=`) or at least (`>=`) `goal`. */
  op: '<=' | '>=';
  goal: number;
  /** Unit of the ratio, e.g. '× spin floor'. */
  unit: string;
  /** The ratio in one run, or undefined if that run did not measure it. */
  ratio(run: RunResult): number | undefined;
  /**
   * The paired trials that measure this ratio (bench/paired.ts). When a run has them, they are
   * used instead of `ratio`: the median of all pairs of all runs, with their spread.
   */
  paired?: PairedId;
  /** The same for rows whose pairs a run's extras carry (the codec rows: generated ÷ hand-written per pair). */
  pairs?(run: RunResult): number[] | undefined;
}

export interface TargetRow {
  what: string;
  goal: string;
  /** Median of the runs' ratios (NaN: not measured). */
  ratio: number;
  /** Every run's ratio, in run order. */
  perRun: number[];
  unit: string;
  status: 'met' | 'missed' | 'not measured';
  /** From paired trials: the pairs' quartiles and count (all runs pooled). */
  spread?: { p25: number; p75: number; n: number };
  /** For a miss: how far, as a factor (>= 1). */
  missedBy?: number;
}

const p50 = (run: RunResult, id: string): number | undefined => {
  const l = run.pairs[id]?.latency;
  return l ? pct(l, 50) : undefined;
};
const mps = (run: RunResult, id: string, bytes: number): number | undefined => run.pairs[id]?.throughput.find((t) => t.bytes === bytes)?.messagesPerSecond;
const ring = (run: RunResult, bytes: number): number | undefined => run.floor.ring.find((r) => r.bytes === bytes)?.messagesPerSecond;
const div = (a: number | undefined, b: number | undefined): number | undefined => (a !== undefined && b !== undefined && b > 0 ? a / b : undefined);

/** A codec row from the run's extras: `${lang} ${record} ${op}: ${impl}`. */
const codecRow = (run: RunResult, lang: string, record: string, op: string, impl: string) =>
  run.extras.find((x) => x.id === 'codec' && x.name === `${lang} ${record} ${op}: ${impl}` && !Number.isNaN(x.value));
const codec = (run: RunResult, lang: string, record: string, op: string, impl: string): number | undefined => codecRow(run, lang, record, op, impl)?.value;

function codecTarget(lang: 'TS' | 'C#', record: string, op: 'decode' | 'encode', impl: string, label: string): Target {
  return {
    what: `${lang} ${record} ${label}`,
    op: '>=',
    goal: 0.9,
    unit: '× hand-written',
    ratio: (run) => div(codec(run, lang, record, op, impl), codec(run, lang, record, op, lang === 'TS' ? 'hand-written DataView' : 'hand-written BinaryPrimitives')),
    pairs: (run) => codecRow(run, lang, record, op, impl)?.pairs,
  };
}

const idleMax = (run: RunResult, id: string): number | undefined => {
  const i = run.pairs[id]?.idle;
  return i ? Math.max(i.clientCpuPct, i.serverCpuPct) : undefined;
};

export const TARGETS: Target[] = [
  { what: 'busy round trip Node↔.NET, p50', op: '<=', goal: 2, unit: '× spin floor', ratio: (r) => div(p50(r, 'channel'), r.floor.spin && pct(r.floor.spin.rtt, 50)), paired: 'rtt-spin' },
  { what: 'idle (sleeping) round trip Node↔.NET, p50', op: '<=', goal: 1.1, unit: '× futex floor', ratio: (r) => div(p50(r, 'channel-sleep'), r.floor.futex && pct(r.floor.futex.rtt, 50)) },
  { what: '64 B one-way Node→.NET', op: '>=', goal: 0.25, unit: '× C ring', ratio: (r) => div(mps(r, 'channel', 64), ring(r, 64)), paired: 'oneway-64' },
  { what: '1 KiB one-way Node→.NET', op: '>=', goal: 0.4, unit: '× C ring', ratio: (r) => div(mps(r, 'channel', 1024), ring(r, 1024)), paired: 'oneway-1024' },
  { what: '1 MiB one-way Node→.NET', op: '>=', goal: 0.7, unit: '× C ring', ratio: (r) => div(mps(r, 'channel', 1 << 20), ring(r, 1 << 20)) },
  { what: 'IpcClient.request Node→.NET over channels, p50', op: '<=', goal: 2, unit: '× raw channel round trip', ratio: (r) => div(p50(r, 'ipc'), p50(r, 'channel')), paired: 'request-raw' },
  codecTarget('TS', 'TestData', 'encode', 'twinmap TS encodeInto', 'encodeInto'),
  codecTarget('TS', 'TestData', 'decode', 'twinmap TS decode', 'decode'),
  codecTarget('TS', 'TestData', 'decode', 'twinmap TS view (all fields)', 'view (all fields)'),
  codecTarget('TS', 'ImageData', 'encode', 'twinmap TS encodeInto', 'encodeInto'),
  codecTarget('TS', 'ImageData', 'decode', 'twinmap TS decode', 'decode'),
  codecTarget('C#', 'ImageData', 'encode', 'twinmap C# EncodeInto', 'EncodeInto'),
  codecTarget('C#', 'ImageData', 'decode', 'twinmap C# Decode', 'Decode'),
  // The other example records and two gallery specs (bench/codec-more.ts).
  ...(['MyDataStructure', 'gallery WindowsSystemtime'] as const).flatMap((r) => [
    codecTarget('TS', r, 'encode', 'twinmap TS encodeInto', 'encodeInto'),
    codecTarget('TS', r, 'decode', 'twinmap TS decode', 'decode'),
    codecTarget('TS', r, 'decode', 'twinmap TS view (all fields)', 'view (all fields)'),
  ]),
  ...(['HikingDatabase', 'gallery Stl'] as const).flatMap((r) => [
    codecTarget('TS', r, 'encode', 'twinmap TS encodeInto', 'encodeInto'),
    codecTarget('TS', r, 'decode', 'twinmap TS decode', 'decode'),
  ]),
  ...(['TestData', 'MyDataStructure', 'HikingDatabase', 'gallery WindowsSystemtime', 'gallery Stl'] as const).flatMap((r) => [
    codecTarget('C#', r, 'encode', 'twinmap C# EncodeInto', 'EncodeInto'),
    codecTarget('C#', r, 'decode', 'twinmap C# Decode', 'Decode'),
  ]),
  { what: 'idle CPU per side, busiest side (Node↔.NET channel)', op: '<=', goal: 1, unit: '% of a core', ratio: (r) => idleMax(r, 'channel') },
];

export function evaluateTargets(runs: RunResult[], targets: Target[] = TARGETS): TargetRow[] {
  return targets.map((t) => {
    const goal = `${t.op} ${t.goal}${t.unit.startsWith('%') ? ' ' : ''}${t.unit}`;
    const pairsOf = (r: RunResult): number[] => (t.paired !== undefined ? r.paired?.[t.paired] : t.pairs?.(r)) ?? [];
    const pairs = runs.map(pairsOf).filter((v) => v.length > 0);
    let perRun: number[];
    let ratio: number;
    let spread: TargetRow['spread'];
    if (pairs.length > 0) {
      // Paired trials: each run's median pair, and the median (and quartiles) of all pairs.
      perRun = pairs.map((v) => summarisePaired(v).median);
      const all = summarisePaired(pairs.flat());
      ratio = all.median;
      spread = { p25: all.p25, p75: all.p75, n: pairs.flat().length };
    } else {
      perRun = runs.map((r) => t.ratio(r)).filter((v): v is number => v !== undefined && Number.isFinite(v));
      ratio = median(perRun);
    }
    if (perRun.length === 0) return { what: t.what, goal, ratio: NaN, perRun, unit: t.unit, status: 'not measured' };
    const met = t.op === '<=' ? ratio <= t.goal : ratio >= t.goal;
    const missedBy = met ? undefined : t.op === '<=' ? ratio / t.goal : t.goal / ratio;
    return { what: t.what, goal, ratio, perRun, unit: t.unit, status: met ? 'met' : 'missed', missedBy, spread };
  });
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(2));

function cells(r: TargetRow): string[] {
  const sep = r.unit.startsWith('%') ? ' ' : '';
  const measured = r.status === 'not measured' ? '–' : `${fmt(r.ratio)}${sep}${r.unit}`;
  const runs = r.perRun.length > 1 ? r.perRun.map(fmt).join(' / ') : '';
  const status = r.status === 'missed' ? `missed (by ${fmt(r.missedBy!)}×)` : r.status;
  const spread = r.spread ? `${fmt(r.spread.p25)}–${fmt(r.spread.p75)} (${r.spread.n} pairs)` : '';
  return [r.what, measured, runs, spread, r.goal, status];
}

const HEAD = ['target', 'measured', 'each run', 'paired: p25–p75', 'goal', 'status'];
const NOTE =
  'measured: for rows with a paired spread, the median of all pairs of short alternating trials (measured, reference; codecs: generated, hand-written), one ratio per pair, ' +
  'each run giving its median pair; for the others, the ratio within each run (figures minutes apart at most), median over runs.';

export function renderTargets(rows: TargetRow[]): string {
  const body = rows.map(cells);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (c: string[]) => c.map((s, i) => (i === 0 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join('  ');
  const met = rows.filter((r) => r.status === 'met').length;
  const measured = rows.filter((r) => r.status !== 'not measured').length;
  return `Targets (${met} of ${measured} measured met)\n${line(HEAD)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${body.map(line).join('\n')}\n  ${NOTE}`;
}

export function renderTargetsMarkdown(rows: TargetRow[]): string {
  return `**Targets**\n\n| ${HEAD.join(' | ')} |\n|---|---:|---:|---:|---:|---|\n${rows.map((r) => `| ${cells(r).join(' | ')} |`).join('\n')}\n\n${NOTE}\n`;
}
