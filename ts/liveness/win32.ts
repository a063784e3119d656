// Liveness on Windows, as dotnet/Twinmap/Liveness.Windows.cs does it: the process's creation
// time (ms since the Unix epoch, native/win32/process.cc) stands for the start time; a process
// is alive while a handle to it reports it still running.
import { native } from '../native.js';
import type { LivenessBackend } from './backend.js';

export class Win32Liveness implements LivenessBackend {
  static readonly instance = new Win32Liveness();

  startTime(pid: number): bigint | undefined {
    const started = native.win32?.processStartTime(pid);
    return started === null || started === undefined ? undefined : BigInt(started);
  }

  isAlive(pid: number, startTime: bigint): boolean {
    const w = native.win32;
    if (w === undefined || !w.processAlive(pid)) return false;
    if (startTime === 0n) return true;
    const started = w.processStartTime(pid);
    return started !== null && BigInt(started) === startTime;
  }
}
