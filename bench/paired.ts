// Paired trials for the channel targets: short trials of a twinmap row and of its reference (the C
// floor, or the raw channel for IpcClient.request), alternating, one ratio per pair of trials.
// A shared VM's speed drifts by 2-5x from minute to minute; two figures taken a second apart see
// the same machine, two taken minutes apart (the full table's order) often do not.
import { floor, RING_BYTES, type FloorPingPong, type FloorRing } from './floor.js';
import { CHANNEL_PAIRS } from './channel-pairs.js';
import { IPC_PAIRS } from './ipc-pairs.js';
import type { Pair, PairSpec } from './pairs.js';
import { pct, type Latency } from './stats.js';
import type { Throughput } from './stream.js';
import type { Options } from './options.js';

/** One kind of paired trial: a twinmap measurement and its reference, as a ratio (measured ÷ reference). */
export type PairedId = 'rtt-spin' | 'oneway-64' | 'oneway-1024' | 'request-raw';

/** Every pair's ratio, in trial order, per kind (the measured figure ÷ the reference's). */
export type PairedRun = Partial<Record<PairedId, number[]>>;

export const PAIRED_SIZES = [64, 1024] as const;

/** Round trips per latency trial, and ms per throughput trial. */
export function trialSizes(o: Options): { roundTrips: number; warmup: number; ms: number; pairs: number } {
  return o.quick ? { roundTrips: 5_000, warmup: 1_000, ms: 100, pairs: 3 } : { roundTrips: 20_000, warmup: 2_000, ms: 200, pairs: 7 };
}

const find = (specs: PairSpec[], id: string) => specs.find((p) => p.id === id);

/**
 * Runs `pairs` rounds; in each, every kind's two trials back to back, in an order that alternates
 * between rounds (reference first, then measured first), so a steady drift cancels out. The pair
 * processes stay up for the whole phase; one untimed round first warms them (JIT, caches, tiering).
 */
export async function measurePaired(o: Options, cpus: [number, number] | undefined, progress: (msg: string) => void): Promise<PairedRun> {
  const t = trialSizes(o);
  const out: PairedRun = {};
  const wants = (c: 'latency' | 'throughput') => o.cases.has(c) && (o.transports.size === 0 || o.transports.has('channel'));
  const channelSpec = find(CHANNEL_PAIRS, 'channel')!;
  const ipcSpec = find(IPC_PAIRS, 'ipc')!;
  const withIpc = o.cases.has('latency') && (o.transports.size === 0 || o.transports.has('ipc')) && ipcSpec.available();
  if (!wants('latency') && !wants('throughput') && !withIpc) return out;

  let channel: Pair | undefined;
  let ipc: Pair | undefined;
  try {
    channel = await channelSpec.start(cpus);
    if (withIpc) ipc = await ipcSpec.start(cpus);
    const rtt = async (p: Pair): Promise<number> => {
      const r = await p.client.ask({ op: 'rtt', size: 64, n: t.roundTrips, warmup: t.warmup }, 120_000);
      return pct(r['latency'] as Latency, 50);
    };
    const spinFloor = async (): Promise<number> => pct((await floor<FloorPingPong>('spin', { n: t.roundTrips, warmup: t.warmup * 10 }, cpus)).rtt, 50);
    const oneway = async (size: number): Promise<number> => {
      const r = await channel!.client.ask({ op: 'oneway', size, ms: t.ms }, 120_000 + t.ms * 10);
      return (r['throughput'] as Throughput).messagesPerSecond;
    };
    const ring = async (size: number): Promise<number> => (await floor<FloorRing>('ring', { size, ring: RING_BYTES, ms: t.ms }, cpus)).messagesPerSecond;

    // Each kind: [measured, reference]; the ratio is measured ÷ reference.
    const kinds: Array<[PairedId, () => Promise<number>, () => Promise<number>]> = [];
    if (wants('latency')) kinds.push(['rtt-spin', () => rtt(channel!), spinFloor]);
    if (wants('throughput')) for (const size of PAIRED_SIZES) kinds.push([`oneway-${size}` as PairedId, () => oneway(size), () => ring(size)]);
    if (ipc) kinds.push(['request-raw', () => rtt(ipc!), () => rtt(channel!)]);

    for (const [, measured, reference] of kinds) {
      await measured(); // warm-up round, not kept
      await reference();
    }
    for (let round = 0; round < t.pairs; round++) {
      for (const [id, measured, reference] of kinds) {
        let m: number;
        let r: number;
        if (round % 2 === 0) {
          r = await reference();
          m = await measured();
        } else {
          m = await measured();
          r = await reference();
        }
        (out[id] ??= []).push(m / r);
      }
    }
    progress(`paired trials (${t.pairs} pairs each): ${Object.entries(out).map(([id, v]) => `${id} ${summarisePaired(v).median.toPrecision(3)}`).join(', ')}`);
  } finally {
    for (const p of [channel, ipc]) {
      if (!p) continue;
      await Promise.all([p.client.stop(), p.server.stop()]);
      p.cleanup?.();
    }
  }
  return out;
}

/** Median and quartiles of a set of ratios. */
export function summarisePaired(ratios: number[]): { median: number; p25: number; p75: number; min: number; max: number } {
  const s = [...ratios].sort((a, b) => a - b);
  const at = (q: number) => {
    if (s.length === 0) return NaN;
    const x = q * (s.length - 1);
    const lo = Math.floor(x);
    const hi = Math.ceil(x);
    return s[lo]! + (s[hi]! - s[lo]!) * (x - lo);
  };
  return { median: at(0.5), p25: at(0.25), p75: at(0.75), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN };
}
