// Benchmarks that are not a transport pair: named mutex rates, codec rates. Each returns rows;
// a row may name a reference measured in the same run (e.g. the C pthread mutex floor).
import type { ExtraSpec } from './extra-row.js';
import { mutexBench } from './mutex.js';
import { codecBench } from './codec.js';
import { nrbfBench } from './nrbf.js';

/** Filled in as the features land (mutex: bench/mutex.ts, codecs: bench/codec.ts). */
export const EXTRAS: ExtraSpec[] = [mutexBench, codecBench, nrbfBench];
