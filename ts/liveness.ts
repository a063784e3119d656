// Is a process still the one we met? A pid alone can be reused, so each side records
// pid + start time (field 22 of /proc/<pid>/stat, clock ticks since boot), the same pair the
// C# side reads (dotnet/Twinmap/Liveness.cs). A zombie (killed, not yet reaped) counts as dead.
import { readFileSync } from 'node:fs';
import { native } from './native.js';

export interface ProcessStat {
  readonly startTime: bigint;
  readonly state: string;
}

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

/** This process's start time, as recorded in shared headers. */
export function selfStartTime(): bigint {
  if (process.platform === 'win32') return BigInt(native.win32?.processStartTime(process.pid) ?? 0);
  return readProcessStat(process.pid)?.startTime ?? 0n;
}

/** True if `pid` runs and (when startTime is non-zero) started at `startTime`. */
export function isAlive(pid: number, startTime: bigint): boolean {
  if (pid <= 0) return false;
  if (process.platform === 'win32') return isAliveWin32(pid, startTime);
  const stat = readProcessStat(pid);
  if (stat === undefined) return false;
  if (stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') return false;
  return startTime === 0n || stat.startTime === startTime;
}

// Windows: the creation time (ms since the Unix epoch) stands for the start time.
function isAliveWin32(pid: number, startTime: bigint): boolean {
  const w = native.win32;
  if (w === undefined || !w.processAlive(pid)) return false;
  if (startTime === 0n) return true;
  const started = w.processStartTime(pid);
  return started !== null && BigInt(started) === startTime;
}
