// What one bench run measured (the floor, each pair, the extra rows): written by run.ts, read by
// the report, the chart and the targets. Types only, in their own file so that nothing imports
// the entry file.
import type { ExtraRow } from './extra-row.js';
import type { FloorMemcpy, FloorMutex, FloorPingPong, FloorRing } from './floor.js';
import type { Latency } from './stats.js';
import type { Throughput } from './stream.js';
import type { PairedRun } from './paired.js';

export interface FloorRun {
  spin?: FloorPingPong;
  futex?: FloorPingPong;
  ring: FloorRing[];
  memcpy: FloorMemcpy[];
  mutex?: FloorMutex;
}

export interface PairRun {
  latency?: Latency;
  throughput: Throughput[];
  idle?: { clientCpuPct: number; serverCpuPct: number; windowMs: number };
  memory?: { clientRssKb: number; serverRssKb: number; clientPeakRssKb: number; serverPeakRssKb: number };
  info?: Record<string, unknown>;
  error?: string;
}

export interface RunResult {
  floor: FloorRun;
  pairs: Record<string, PairRun>;
  extras: ExtraRow[];
  /** Paired trials of the channel targets (bench/paired.ts): one ratio per pair of trials. */
  paired?: PairedRun;
}
