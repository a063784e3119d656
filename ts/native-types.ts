// The shape of the C++ addon's exports. Each native/<platform>/<concept>.cc adds its
// functions here, in a section of its own. Errors thrown by these functions carry
// .code (errno name), .errno and .syscall, like Node's fs errors.
export interface NativeAddon {
  /** Which concept files were compiled in, e.g. ["process", "mapping", ...]. */
  readonly modules: readonly string[];
  readonly platform: 'posix' | 'win32';

  // process.cc
  getpid(): number;
  gettid(): number;
  getsid(): number;
  geteuid(): number;

  // mapping.cc
  /** mmap(fd) as an ArrayBuffer over the pages; unmap() detaches the buffer, then munmaps. */
  Mapping: new (fd: number, length: number, writable: boolean, offset?: number) => NativeMapping;
  pageSize(): number;

  // futex.cc (Linux): wait/wake on a 4-byte aligned word of a mapping, shared between processes.
  /** FUTEX_WAIT while the word equals `expected`; timeoutMs < 0 waits without limit. */
  futexWait(buffer: ArrayBuffer, offset: number, expected: number, timeoutMs: number): FutexWaitResult;
  /** FUTEX_WAKE up to `count` waiters (count <= 0: all); returns how many were woken. */
  futexWake(buffer: ArrayBuffer, offset: number, count: number): number;
  /** The same wait on a thread of its own, so the event loop keeps running. */
  FutexWaiter: new (buffer: ArrayBuffer, offset: number) => NativeFutexWaiter;

  // --- named mutexes (flock.cc, pthread_mutex.cc, mutex_holder.cc) ---
  /** flock(fd, op): true when taken, false when LOCK_NB was given and someone else holds it. */
  flock(fd: number, op: number): boolean;
  readonly flockOps: { readonly LOCK_SH: number; readonly LOCK_EX: number; readonly LOCK_UN: number; readonly LOCK_NB: number };
  /** sizeof / alignof(pthread_mutex_t) of this platform's libc. */
  readonly mutexSize: number;
  readonly mutexAlign: number;
  /** pthread_mutex_init with .NET's attributes: process-shared, robust, recursive. */
  mutexInit(buffer: ArrayBuffer, offset: number): void;
  /** timeoutMs < 0: lock; 0: trylock; > 0: timedlock (absolute CLOCK_REALTIME, like the PAL). */
  mutexLock(buffer: ArrayBuffer, offset: number, timeoutMs: number): MutexCode;
  mutexConsistent(buffer: ArrayBuffer, offset: number): void;
  mutexUnlock(buffer: ArrayBuffer, offset: number): void;
  mutexDestroy(buffer: ArrayBuffer, offset: number): void;
  /** Acquires on a dedicated OS thread, holds until release(); onEvent is called once. */
  MutexHolder: new (
    buffer: ArrayBuffer,
    offset: number,
    timeoutMs: number,
    onEvent: (kind: MutexHolderEvent, code: MutexCode, tid: number, errorCode: string | undefined) => void,
  ) => NativeMutexHolder;
}

export type FutexWaitResult = 'woken' | 'timeout' | 'changed';

export interface NativeFutexWaiter {
  /** One wait at a time; `callback` runs on the JS thread when it ends. */
  wait(expected: number, timeoutMs: number, callback: (result: FutexWaitResult | 'cancelled' | 'fault') => void): void;
  /** Ends the pending wait with "cancelled". */
  cancel(): void;
  /** Cancels, stops the thread, releases the buffer. Idempotent. */
  close(): void;
}

/** 0 acquired, 1 the owner died (EOWNERDEAD: call mutexConsistent, unless a holder did), 2 timed out. */
export type MutexCode = 0 | 1 | 2;
export type MutexHolderEvent = 'locked' | 'timeout' | 'cancelled' | 'error';

export interface NativeMutexHolder {
  /** Unlocks on the holder thread and waits for it to end. Only after the "locked" event. */
  release(): void;
  /** Stop waiting; a "cancelled" event follows (within 100 ms). */
  cancel(): void;
  /** After any event but "locked": reap the ended thread. */
  join(): void;
}

export interface NativeMapping {
  /** The mapped pages; undefined after unmap(). */
  readonly buffer: ArrayBuffer | undefined;
  readonly length: number;
  readonly mapped: boolean;
  /** msync(MS_SYNC). */
  flush(): void;
  /** Idempotent. Views of `buffer` have length 0 afterwards. */
  unmap(): void;
}
