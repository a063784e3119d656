// What NamedMutex needs from the OS, per platform. NamedMutex (named-mutex.ts) does the
// process-level part the same way everywhere: one OS object per name per process shared by
// all handles, recursion counting, which hold the process has, close while held. A backend
// opens the OS object and acquires/releases it on a given OS thread.
// Linux: backend-posix.ts (.NET's shared-memory file + robust pthread mutex). A Windows backend
// (CreateMutexW) plugs in here as backend-win32.ts without touching the Linux code.
import type { ParsedName } from '../names.js';
import type { MutexLayoutName } from './layout.js';

/** What a lock call reports: the lock is taken ('acquired'), taken after its previous owner
 * died or gave it up while holding it ('abandoned', .NET's AbandonedMutexException), or not
 * taken in time ('timeout'). */
export type LockResult = 'acquired' | 'abandoned' | 'timeout';

export interface BackendOptions {
  /** Linux/macOS: which .NET's shared layout to use. */
  readonly layout: MutexLayoutName;
  /** .NET 10's NamedWaitHandleOptions.CurrentUserOnly (wait-handle-options.ts). */
  readonly currentUserOnly: boolean;
}

/** One acquisition of the OS mutex, by one OS thread. */
export interface Hold {
  /** The OS thread that owns it (what .NET writes as owner tid). */
  readonly tid: number;
  /** Normal release (on the owning thread). */
  release(): void;
  /** Release that tells the next owner it was abandoned (.NET's Abandon()). */
  abandon(): void;
}

export type Acquired = { readonly result: 'acquired' | 'abandoned'; readonly hold: Hold };

export interface PendingLock {
  /** Settles once: the hold, 'timeout', or an error (a ClosedError after cancel()). */
  readonly promise: Promise<Acquired | 'timeout'>;
  /** Stop waiting. If the lock was already taken, it is released, not reported. */
  cancel(): void;
}

/** The OS object behind one name in this process (opened once, shared by NamedMutex handles). */
export interface OsMutex {
  /** True when this open created the object (.NET's createdNew). */
  readonly created: boolean;
  /** For messages: the file path on Linux, the kernel name on Windows. */
  readonly where: string;
  /** Acquires on the calling (JS) thread; timeoutMs < 0 = no limit, 0 = try once. */
  lock(timeoutMs: number): Acquired | 'timeout';
  /** Acquires on a dedicated thread that keeps the lock until the hold is released. */
  lockOnThread(timeoutMs: number): PendingLock;
  /** Last handle in the process: give up the OS object (after any hold is released). */
  close(): void;
}

export interface MutexBackend {
  /** Same key, same OS object (e.g. "session/x" and "Local\x" on Linux). */
  key(name: ParsedName, options: BackendOptions): string;
  /** Opens, or creates when `create` and absent. Throws NotFoundError, BadHeaderError, ... */
  open(name: ParsedName, create: boolean, options: BackendOptions): OsMutex;
}
