// Futex words on Windows. The channel protocol sleeps on 32-bit words of its shared header
// (native.futexWait / futexWake / FutexWaiter on Linux). WaitOnAddress does not cross
// processes, so on Windows each word of a region gets a named semaphore for the wake-ups and
// a waiter count in the map's side-car section (map/win32.ts, `<kernel name>#twinmap`);
// the semaphores are named `<kernel name>#futex@<offset>`.
//
// Wait: count++, re-check the word, sleep on the semaphore, count--. Wake: post min(count,
// n) to the semaphore. A waiter that counts itself before re-checking cannot miss a wake that
// follows a change of the word; a wake whose waiter timed out meanwhile leaves one post behind,
// which makes a later wait return early once (a spurious wake-up, which futex callers allow).
//
// The win32 map backend registers every named map's buffer with its side-car
// (registerFutexSpace); Win32RegionFutex then serves the words of that buffer. The layout of
// the side-car and the semaphore names: docs/protocol/windows-sidecar.md.
import { TwinmapError } from '../errors.js';
import { native } from '../native.js';
import type { FutexWaitResult, NativeFutexWaiter, Win32Handle, Win32Native } from '../native-types.js';
import { WindowsSidecarLayout } from '../formats/windows_sidecar.js';
import type { RegionFutex } from './region-futex.js';

/**
 * Words of the first 4 KiB - 8 of a region can be waited on (every twinmap header fits): the
 * side-car's waiter counts end where its size field starts (formats/windows_sidecar.ksy).
 */
export const FUTEX_SPAN = WindowsSidecarLayout.size;

interface Space {
  readonly kernelName: string;
  readonly counts: Int32Array;
  readonly semaphores: Map<number, Win32Handle>;
}

const spaces = new WeakMap<ArrayBuffer, Space>();

function win32(): Win32Native {
  const w = native.win32;
  if (w === undefined) throw new TwinmapError('UNSUPPORTED', 'twinmap: Windows futex words need the Windows build of the addon');
  return w;
}

function openSemaphore(kernelName: string, offset: number): Win32Handle {
  return win32().createSemaphore(`${kernelName}#futex@${offset}`, 0, 0x7fffffff).handle;
}

/** Makes the words of `buffer` (a region named `kernelName`) waitable across processes;
 *  `counts` is the waiter-count part of the region's side-car (ts/map/win32.ts). */
export function registerFutexSpace(buffer: ArrayBuffer, kernelName: string, counts: Int32Array): void {
  spaces.set(buffer, { kernelName, counts, semaphores: new Map() });
}

/** Releases what the futex calls opened for `buffer` (before the region is unmapped). */
export function unregisterFutexSpace(buffer: ArrayBuffer): void {
  const s = spaces.get(buffer);
  if (s === undefined) return;
  spaces.delete(buffer);
  for (const h of s.semaphores.values()) h.close();
}

function space(buffer: ArrayBuffer, offset: number): Space {
  const s = spaces.get(buffer);
  if (s === undefined) throw new TypeError('futex: on Windows only the buffer of an open twinmap region can be waited on');
  if (!Number.isInteger(offset) || offset < 0 || offset % 4 !== 0 || offset + 4 > Math.min(FUTEX_SPAN, buffer.byteLength)) {
    throw new TypeError(`futex: offset ${offset} must be 4-byte aligned and within the first ${FUTEX_SPAN} bytes of the region`);
  }
  return s;
}

function semaphore(s: Space, offset: number): Win32Handle {
  let h = s.semaphores.get(offset);
  if (h === undefined) s.semaphores.set(offset, (h = openSemaphore(s.kernelName, offset)));
  return h;
}

function uncount(counts: Int32Array, slot: number): void {
  // The companion view may be gone if the region closed during an async wait.
  if (counts.buffer.byteLength > 0) Atomics.sub(counts, slot, 1);
}

function futexWait(buffer: ArrayBuffer, offset: number, expected: number, timeoutMs: number): FutexWaitResult {
  const s = space(buffer, offset);
  const slot = offset >> 2;
  Atomics.add(s.counts, slot, 1);
  try {
    if (Atomics.load(new Int32Array(buffer, offset, 1), 0) !== (expected | 0)) return 'changed';
    return semaphore(s, offset).wait(timeoutMs < 0 ? -1 : timeoutMs) === 'timeout' ? 'timeout' : 'woken';
  } finally {
    uncount(s.counts, slot);
  }
}

function futexWake(buffer: ArrayBuffer, offset: number, count: number): number {
  const s = space(buffer, offset);
  const waiting = Atomics.load(s.counts, offset >> 2);
  if (waiting <= 0) return 0;
  const n = count <= 0 ? waiting : Math.min(count, waiting);
  try {
    win32().releaseSemaphore(semaphore(s, offset), n);
  } catch (e) {
    // Posts left over from timed-out waiters reached the maximum: everyone is awake anyway.
    if ((e as { code?: string }).code !== 'ERROR_TOO_MANY_POSTS') throw e;
  }
  return n;
}

/** The async wait: its own semaphore handle, so its own wait thread. */
class FutexWaiterWin32 implements NativeFutexWaiter {
  private readonly space: Space;
  private handle: Win32Handle | undefined;

  constructor(
    private readonly buffer: ArrayBuffer,
    private readonly offset: number,
  ) {
    this.space = space(buffer, offset);
    this.handle = openSemaphore(this.space.kernelName, offset);
  }

  wait(expected: number, timeoutMs: number, callback: (result: FutexWaitResult | 'cancelled' | 'fault') => void): void {
    const h = this.handle;
    if (h === undefined) {
      setImmediate(() => callback('cancelled'));
      return;
    }
    const counts = this.space.counts;
    const slot = this.offset >> 2;
    Atomics.add(counts, slot, 1);
    if (Atomics.load(new Int32Array(this.buffer, this.offset, 1), 0) !== (expected | 0)) {
      uncount(counts, slot);
      setImmediate(() => callback('changed'));
      return;
    }
    h.waitAsync(timeoutMs < 0 ? -1 : timeoutMs).then(
      (r) => {
        uncount(counts, slot);
        callback(r === 'canceled' ? 'cancelled' : r === 'timeout' ? 'timeout' : 'woken');
      },
      () => {
        uncount(counts, slot);
        callback('fault');
      },
    );
  }

  cancel(): void {
    this.handle?.cancelWaitAsync();
  }

  close(): void {
    const h = this.handle;
    this.handle = undefined;
    h?.close();
  }
}

/** The futex words of one registered region (a named map's buffer). */
export class Win32RegionFutex implements RegionFutex {
  constructor(private readonly buffer: ArrayBuffer) {}

  wait(offset: number, expected: number, timeoutMs: number): FutexWaitResult {
    return futexWait(this.buffer, offset, expected, timeoutMs);
  }

  wake(offset: number, count: number): number {
    return futexWake(this.buffer, offset, count);
  }

  waiter(offset: number): NativeFutexWaiter {
    return new FutexWaiterWin32(this.buffer, offset);
  }
}
