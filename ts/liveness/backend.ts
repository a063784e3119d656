// What liveness needs from the OS, per platform: a process's start time and whether it runs.
//   Linux:   field 22 of /proc/<pid>/stat, clock ticks since boot (linux.ts)
//   Windows: the process's creation time, ms since the Unix epoch (win32.ts)
// The .NET twin: Liveness.cs + Liveness.Linux.cs + Liveness.Windows.cs.
import { LinuxLiveness } from './linux.js';
import { Win32Liveness } from './win32.js';

export interface LivenessBackend {
  /** The start time of `pid`, or undefined if there is no such process. */
  startTime(pid: number): bigint | undefined;
  /** True if `pid` (> 0) runs and (when startTime is non-zero) started at `startTime`. */
  isAlive(pid: number, startTime: bigint): boolean;
}

/** This platform's backend. */
export function livenessBackend(): LivenessBackend {
  return process.platform === 'win32' ? Win32Liveness.instance : LinuxLiveness.instance;
}
