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

  // shm.cc (SharedMap's named objects)
  /** shm_open(name, flags, mode) -> fd; `name` is "/x", flags are fs.constants O_* bits. */
  shmOpen(name: string, flags: number, mode: number): number;
  /** shm_unlink(name). */
  shmUnlink(name: string): void;
  /** posix_fallocate(fd, 0, length): reserves pages now (ENOSPC instead of a later SIGBUS). ENOSYS off Linux. */
  allocate(fd: number, length: number): void;

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
  /** fd_guard.cc: close fd when this JS environment (main thread or worker) is torn down. */
  closeAtExit(fd: number): void;
  /** Undo closeAtExit (before closing the fd yourself). */
  keepAtExit(fd: number): void;
  /** glibc's __data.__kind of the mutex (type and flags), or -1 where the libc hides it. */
  mutexKind(buffer: ArrayBuffer, offset: number): number;
  /** Acquires on a dedicated OS thread, holds until release(); onEvent is called once.
   * With onEvent null it is synchronous: wait() blocks until the outcome. */
  MutexHolder: new (
    buffer: ArrayBuffer,
    offset: number,
    timeoutMs: number,
    onEvent: ((kind: MutexHolderEvent, code: MutexCode, tid: number, errorCode: string | undefined) => void) | null,
  ) => NativeMutexHolder;

  // native/win32/*.cc (Windows only; undefined elsewhere). getpid/gettid/getsid above exist
  // there too: gettid is the Win32 thread id, getsid the Terminal Services session id.
  readonly win32?: Win32Native;
}

export type FutexWaitResult = 'woken' | 'timeout' | 'changed';

export interface NativeFutexWaiter {
  /** One wait at a time; `callback` runs on the JS thread when it ends. The thread first re-reads the word for `spinMicros` (default 0). */
  wait(expected: number, timeoutMs: number, callback: (result: FutexWaitResult | 'cancelled' | 'fault') => void, spinMicros?: number): void;
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
  /** Synchronous holders only: blocks until the outcome (the thread is reaped unless "locked"). */
  wait(): [kind: MutexHolderEvent, code: MutexCode, tid: number, errorCode: string | undefined];
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

// ---- Windows (native/win32/). Errors carry .code = the Win32 error name
// ("ERROR_FILE_NOT_FOUND", or "WIN32_<n>"), .errno = its number, .syscall.

/** What a wait ended with. "abandoned": a mutex whose owner ended without releasing it (now ours). */
export type Win32WaitOutcome = 'signaled' | 'abandoned' | 'timeout';

/** A kernel object handle (section, file, mutex or event). Timeouts in ms; -1 = forever. */
export interface Win32Handle {
  readonly closed: boolean;
  /** Idempotent: cancels a pending waitAsync, joins its thread, CloseHandle. */
  close(): void;
  /** WaitForSingleObject on the calling thread. */
  wait(timeoutMs: number): Win32WaitOutcome;
  /** The same wait on this handle's own thread (always the same one): a mutex acquired here is
   * owned by that thread until releaseMutexOnWaitThread(). One pending wait per handle. */
  waitAsync(timeoutMs: number): Promise<Win32WaitOutcome | 'canceled'>;
  /** Ends a pending waitAsync with "canceled". */
  cancelWaitAsync(): void;
  /** wait() run on the wait thread, the JS thread blocked meanwhile: what it acquires, that thread owns. */
  waitOnThread(timeoutMs: number): Win32WaitOutcome;
  /** The wait thread's OS id (starts it if needed). */
  readonly waitThreadId: number;
  /** Ends the wait thread; a mutex it owns becomes abandoned for its next waiter. */
  endWaitThread(): void;
  releaseMutex(): void;
  releaseMutexOnWaitThread(): void;
  setEvent(): void;
  resetEvent(): void;
  /** GetFileSizeEx, for a file handle. */
  fileSize(): number;
}

export interface Win32Created {
  readonly handle: Win32Handle;
  /** ERROR_ALREADY_EXISTS: the name was taken and the existing object was opened. */
  readonly existed: boolean;
}

/** MapViewOfFile of a section as an ArrayBuffer over the pages; unmap() detaches, then unmaps. */
export interface Win32MapView {
  readonly buffer: ArrayBuffer | undefined;
  /** The view's length; for a whole section, its size in whole pages. */
  readonly length: number;
  readonly mapped: boolean;
  /** FlushViewOfFile. */
  flush(): void;
  unmap(): void;
}

export type Win32Disposition = 'createNew' | 'openExisting' | 'openAlways' | 'createAlways';

export interface Win32Native {
  /** CreateFileMappingW; file null = backed by the page file. Name passed unchanged (Local\, Global\). */
  createFileMapping(file: Win32Handle | null, name: string | null, size: number, writable: boolean): Win32Created;
  openFileMapping(name: string, writable: boolean): Win32Handle;
  /** CreateFileW, shared read/write/delete. */
  createFile(path: string, writable: boolean, disposition: Win32Disposition): Win32Handle;
  /** offset: a multiple of allocationGranularity(); length 0 = to the end of the section. */
  MapView: new (section: Win32Handle, writable: boolean, offset?: number, length?: number) => Win32MapView;
  allocationGranularity(): number;
  /** CreateMutexW, not initially owned (like new Mutex(false, name)). */
  createMutex(name: string | null): Win32Created;
  openMutex(name: string): Win32Handle;
  /** CreateEventW (like new EventWaitHandle(initialState, mode, name)). */
  createEvent(name: string | null, manualReset: boolean, initialState: boolean): Win32Created;
  openEvent(name: string): Win32Handle;
  /** NtQueryEvent: the event's kind and whether it is set, without consuming it. */
  queryEvent(event: Win32Handle): { manualReset: boolean; signaled: boolean };
  /** CreateSemaphoreW: the wake-ups of futex words on Windows (ts/futex/win32.ts). */
  createSemaphore(name: string | null, initial: number, maximum: number): Win32Created;
  /** ReleaseSemaphore; returns the count before. */
  releaseSemaphore(semaphore: Win32Handle, count: number): number;
  processAlive(pid: number): boolean;
  /** Creation time in ms since the Unix epoch, or null if there is no such process. */
  processStartTime(pid: number): number | null;
}
