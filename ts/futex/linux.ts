// Futex words on Linux: the futex syscall through the addon (native/linux/futex.cc), shared
// (not private) because the word sits in a mapping other processes use, .NET included.
import { native } from '../native.js';
import type { FutexWaitResult, NativeFutexWaiter } from '../native-types.js';
import type { RegionFutex } from './region-futex.js';

export class LinuxRegionFutex implements RegionFutex {
  constructor(private readonly buffer: ArrayBuffer) {}

  wait(offset: number, expected: number, timeoutMs: number): FutexWaitResult {
    return native.futexWait(this.buffer, offset, expected, timeoutMs);
  }

  wake(offset: number, count: number): number {
    return native.futexWake(this.buffer, offset, count);
  }

  waiter(offset: number): NativeFutexWaiter {
    return new native.FutexWaiter(this.buffer, offset);
  }
}
