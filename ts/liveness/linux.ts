// Liveness on Linux, as dotnet/Twinmap/Liveness.Linux.cs does it: the start time is field 22 of
// /proc/<pid>/stat, and a process is alive while that file exists and its state is not a
// zombie's (killed, not yet reaped: Z, X, x).
import { readFileSync } from 'node:fs';
import type { LivenessBackend } from './backend.js';

export interface ProcessStat {
  readonly startTime: bigint;
  readonly state: string;
}

/** The start time and state letter of `pid` from /proc, or undefined if it does not exist. */
export function readProcessStat(pid: number): ProcessStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may contain spaces or ')'.
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
  const state = fields[0] ?? '?';
  const start = fields[19];
  if (start === undefined || !/^\d+$/.test(start)) return undefined;
  return { startTime: BigInt(start), state };
}

export class LinuxLiveness implements LivenessBackend {
  static readonly instance = new LinuxLiveness();

  startTime(pid: number): bigint | undefined {
    return readProcessStat(pid)?.startTime;
  }

  isAlive(pid: number, startTime: bigint): boolean {
    const stat = readProcessStat(pid);
    if (stat === undefined) return false;
    if (stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') return false;
    return startTime === 0n || stat.startTime === startTime;
  }
}
