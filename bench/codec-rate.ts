// One codec rate and how the codec benches time it: paired alternating trials, as the channel
// targets (bench/paired.ts), so that a generated codec and the hand-written code it is compared
// with see the same machine. The C# rows time the same way (dotnet/Twinmap.Peer/Commands/Bench/CodecTiming.cs).

export interface CodecRate {
  /** The record type, e.g. `TestData` or `gallery Stl`. */
  record: string;
  op: 'decode' | 'encode';
  impl: string;
  /** The best trial's rate. */
  recordsPerSec: number;
  /**
   * One ratio per pair of trials: this implementation's rate ÷ the group's baseline's (the
   * hand-written code) in the same round. Absent for the baseline itself.
   */
  pairs?: number[];
}

/** One implementation of a group: `fn` handles the group's `n` records and returns a checksum. */
export interface Trial {
  impl: string;
  fn: () => number;
}

/** Pairs per group: `npm run bench` 11, `--quick` 5 (each pair: a trial of every implementation of the group). */
export const codecPairs = (quick: boolean): number => (quick ? 5 : 11);

let sink = 0;

/** Times one call of `fn`, in ns. */
function time(fn: () => number): number {
  const t0 = process.hrtime.bigint();
  sink += fn();
  return Number(process.hrtime.bigint() - t0);
}

/**
 * One trial: the fastest of `CALLS_PER_TRIAL` calls of `fn` back to back. A call of a few ms that a
 * neighbour's work preempts (a time slice of the other core's queue) takes several times as
 * long; the fastest of five is a call that ran through, for either side of a pair.
 */
export const CALLS_PER_TRIAL = 5;
function trial(fn: () => number): number {
  let best = Infinity;
  for (let c = 0; c < CALLS_PER_TRIAL; c++) best = Math.min(best, time(fn));
  return best;
}

/**
 * Untimed rounds of `fn` until 200 ms have passed and three rounds in a row were no faster than
 * the best before them (at most 2 s): V8 optimizes a function only after it has run a while, and a
 * codec timed before that is measured in the interpreter against an optimized hand-written loop.
 */
function warm(fn: () => number): void {
  const start = process.hrtime.bigint();
  let best = Infinity;
  for (let flat = 0; ; ) {
    const ns = time(fn);
    if (ns < best * 0.97) {
      best = ns;
      flat = 0;
    } else flat++;
    const spent = Number(process.hrtime.bigint() - start) / 1e6;
    if ((flat >= 3 && spent >= 200) || spent >= 2000) break;
  }
}

/**
 * Rates of one group (a record type and operation): the `baseline` (hand-written code) and each of
 * `others`, measured in `pairs` rounds after every implementation was warmed up. A round runs
 * one trial of each, the baseline first in even rounds and last in odd ones (the others in reverse),
 * so a steady drift of the machine's speed cancels; each other implementation gets one ratio per
 * round (its rate ÷ the baseline's in that round). The rate reported is the best trial's.
 */
export function pairedRates(record: string, op: CodecRate['op'], n: number, pairs: number, baseline: Trial, others: Trial[]): CodecRate[] {
  const all = [baseline, ...others];
  for (const t of all) warm(t.fn);
  const best = all.map(() => Infinity);
  const ratios = others.map((): number[] => []);
  for (let round = 0; round < pairs; round++) {
    const ns = all.map(() => 0);
    // Even rounds: the baseline, then the others in order; odd rounds: the others reversed, then the baseline.
    const order = round % 2 === 0 ? all.map((_, i) => i) : all.map((_, i) => all.length - 1 - i);
    for (const i of order) ns[i] = trial(all[i]!.fn);
    ns.forEach((t, i) => (best[i] = Math.min(best[i]!, t)));
    others.forEach((_, k) => ratios[k]!.push(ns[0]! / ns[k + 1]!));
  }
  if (sink === 0.5) console.log(sink); // keeps the work observable
  return all.map((t, i) => ({ record, op, impl: t.impl, recordsPerSec: (n * 1e9) / best[i]!, ...(i > 0 ? { pairs: ratios[i - 1]! } : {}) }));
}
