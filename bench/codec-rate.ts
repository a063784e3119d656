// One codec rate and how the codec benches time it.

export interface CodecRate {
  /** The record type, e.g. `TestData` or `gallery Stl`. */
  record: string;
  op: 'decode' | 'encode';
  impl: string;
  recordsPerSec: number;
}

/**
 * Best of `rounds` timings of `fn` (which handles `n` records); returns records/s. Untimed rounds
 * come first, until 200 ms have passed and three rounds in a row were no faster than the best
 * before them (at most 2 s): V8 optimizes a function only after it has run a while, and a codec
 * timed before that is measured in the interpreter against an optimized hand-written loop.
 */
export function rate(n: number, rounds: number, fn: () => number): number {
  let sink = 0;
  const warm = process.hrtime.bigint();
  let warmBest = Infinity;
  for (let flat = 0; ; ) {
    const t0 = process.hrtime.bigint();
    sink += fn();
    const t1 = process.hrtime.bigint();
    const ns = Number(t1 - t0);
    if (ns < warmBest * 0.97) {
      warmBest = ns;
      flat = 0;
    } else flat++;
    const spent = Number(t1 - warm) / 1e6;
    if ((flat >= 3 && spent >= 200) || spent >= 2000) break;
  }
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    sink += fn();
    const ns = Number(process.hrtime.bigint() - t0);
    if (ns < best) best = ns;
  }
  if (sink === 0.5) console.log(sink); // keeps the work observable
  return (n * 1e9) / best;
}
