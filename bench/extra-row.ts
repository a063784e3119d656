// A row of the benchmarks that are not a transport pair (mutex, codec and NRBF rates), and what
// makes such rows. Types only: extras.ts lists the makers, which import these from here.
import type { Options, CaseName } from './options.js';

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
  /** Paired trials (codec rows): this row's ratio to its reference in each pair of alternating trials. */
  pairs?: number[];
  error?: string;
}

export interface ExtraSpec {
  id: string;
  case: CaseName;
  available(): boolean;
  run(o: Options, cpus: [number, number] | undefined): Promise<ExtraRow[]>;
}
