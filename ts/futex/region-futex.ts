// The futex words of a shared region: wait on and wake a 32-bit word of a mapping, across
// processes. Channels and events sleep and wake through the region they live in; the
// implementation is chosen per OS when the region is opened (the C# twin is IRegionFutex).
//   Linux:   the futex syscall through the addon (linux.ts)
//   Windows: named semaphores plus waiter counts in the map's side-car (win32.ts)
import type { FutexWaitResult, NativeFutexWaiter } from '../native-types.js';
import { LinuxRegionFutex } from './linux.js';
import { Win32RegionFutex } from './win32.js';

export interface RegionFutex {
  /** Sleeps while the word at `offset` holds `expected`, up to `timeoutMs` (< 0: no limit). */
  wait(offset: number, expected: number, timeoutMs: number): FutexWaitResult;
  /** Wakes up to `count` sleepers on the word at `offset` (0 or less: all); returns how many. */
  wake(offset: number, count: number): number;
  /** A waiter for async waits on the word at `offset` (it sleeps on a thread of its own). */
  waiter(offset: number): NativeFutexWaiter;
}

/** The futex of `buffer`, the whole mapping of an open named region. */
export function regionFutex(buffer: ArrayBuffer): RegionFutex {
  return process.platform === 'win32' ? new Win32RegionFutex(buffer) : new LinuxRegionFutex(buffer);
}
