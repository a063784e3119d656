// Latency statistics in the same shape the C floor program prints, so rows compare directly.

/** The percentiles every latency result carries (the chart draws them). */
export const PERCENTILES = [0, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100] as const;

export interface Latency {
  n: number;
  perSecond: number;
  meanNs: number;
  /** [percentile, nanoseconds] pairs, ascending. */
  percentiles: Array<[number, number]>;
}

/** Sorts `samplesNs` in place and summarises it; `totalNs` is the whole measured span. */
export function summarise(samplesNs: Float64Array, totalNs: number): Latency {
  samplesNs.sort();
  const n = samplesNs.length;
  let sum = 0;
  for (const s of samplesNs) sum += s;
  return {
    n,
    perSecond: (n * 1e9) / totalNs,
    meanNs: sum / n,
    percentiles: PERCENTILES.map((p) => [p, samplesNs[Math.round((p / 100) * (n - 1))]!]),
  };
}

/** The value at percentile p of a summary (exact match required). */
export function pct(l: Latency, p: number): number {
  const hit = l.percentiles.find(([q]) => q === p);
  if (!hit) throw new Error(`latency summary has no p${p}`);
  return hit[1];
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Picks the run whose p50 is the median p50: keeps one coherent distribution per row. */
export function medianLatency(runs: Latency[]): Latency | undefined {
  if (runs.length === 0) return undefined;
  const sorted = [...runs].sort((a, b) => pct(a, 50) - pct(b, 50));
  return sorted[(sorted.length - 1) >> 1];
}
