// Runs the C floor program (bench/floor/floor.c) and returns its JSON.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { floorBin, requireFile } from './paths.js';
import type { Latency } from './stats.js';

const run = promisify(execFile);

/** The ring size the floor uses, and the channels' capacity in the bench: 1 MiB records compare like for like. */
export const RING_BYTES = 8 << 20;

export async function floor<T>(kind: string, args: Record<string, number | string>, cpus: [number, number] | undefined): Promise<T> {
  const argv = [kind, ...Object.entries(args).map(([k, v]) => `${k}=${v}`)];
  if (cpus) argv.push(`cpus=${cpus[0]},${cpus[1]}`);
  const { stdout } = await run(requireFile(floorBin, 'npm run build:native'), argv, { timeout: 120_000 });
  return JSON.parse(stdout) as T;
}

export interface FloorPingPong {
  case: 'spin' | 'futex';
  rtt: Latency;
}

export interface FloorRing {
  bytes: number;
  ringBytes: number;
  messages: number;
  seconds: number;
  messagesPerSecond: number;
  gbPerSecond: number;
  bad: number;
}

export interface FloorMemcpy {
  bytes: number;
  gbPerSecond: number;
}

export interface FloorMutex {
  uncontendedNs: number;
  contendedNs: number;
}
