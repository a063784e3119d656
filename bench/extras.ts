// Benchmarks that are not a transport pair: named mutex rates, codec rates. Each returns rows;
// a row may name a reference measured in the same run (e.g. the C pthread mutex floor).
import type { Options, CaseName } from './options.js';
import { mutexBench } from './mutex.js';
import { codecBench } from './codec.js';
import { nrbfBench } from './nrbf.js';

export interface ExtraRow {
  id: string;
  section: CaseName;
  name: string;
  value: number;
  unit: string;
  /** Extra facts from the last run, e.g. how contended lock+unlocks split between the sides. */
  detail?: string;
  /** Lower is better (time) or higher is better (rate). */
  better?: 'lower' | 'higher';
  /** Which floor figure this row compares with, e.g. 'mutex.uncontendedNs'. */
  floorRef?: string;
  error?: string;
}

export interface ExtraSpec {
  id: string;
  case: CaseName;
  available(): boolean;
  run(o: Options, cpus: [number, number] | undefined): Promise<ExtraRow[]>;
}

/** Filled in as the features land (mutex: bench/mutex.ts, codecs: bench/codec.ts). */
export const EXTRAS: ExtraSpec[] = [mutexBench, codecBench, nrbfBench];
