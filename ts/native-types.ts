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
