// Is a process still the one we met? A pid alone can be reused, so each side records
// pid + start time in shared headers and judges a peer by both. How the OS gives the start time
// is per platform (backend.ts: linux.ts, win32.ts); the C# twin is Liveness.cs +
// Liveness.Linux.cs + Liveness.Windows.cs.
import { livenessBackend } from './backend.js';

export { readProcessStat, type ProcessStat } from './linux.js';

let self: bigint | undefined;

/** This process's start time, as recorded in shared headers. */
export function selfStartTime(): bigint {
  return (self ??= livenessBackend().startTime(process.pid) ?? 0n);
}

/** True if `pid` runs and (when startTime is non-zero) started at `startTime`. */
export function isAlive(pid: number, startTime: bigint): boolean {
  if (pid <= 0) return false;
  return livenessBackend().isAlive(pid, startTime);
}
