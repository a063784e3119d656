// What NamedMutex needs from the OS, per platform. NamedMutex (named-mutex.ts) does the
// process-level part the same way everywhere: one OS object per name per process shared by
// all handles, recursion counting, which hold the process has, close while held. A backend
// opens the OS object and acquires/releases it on a given OS thread.
//   Linux:   .NET's shared-memory file + a robust pthread mutex (linux.ts)
//   Windows: a Win32 named mutex (CreateMutexW), the one .NET's Mutex makes (win32.ts)
// The .NET twin (NamedMutex.cs) is System.Threading.Mutex itself, which does this per OS.
import type { ParsedName } from '../names.js';
import type { DotnetGeneration } from './generation.js';
import { LinuxMutexBackend } from './linux.js';
import { Win32MutexBackend } from './win32.js';

/** What a lock call reports: the lock is taken ('acquired'), taken after its previous owner
 * died or gave it up while holding it ('abandoned', .NET's AbandonedMutexException), or not
 * taken in time ('timeout'). */
export type LockResult = 'acquired' | 'abandoned' | 'timeout';

export interface BackendOptions {
  /** .NET 10's NamedWaitHandleOptions.CurrentUserOnly (wait-handle-options.ts); undefined: no options. */
  readonly currentUserOnly: boolean | undefined;
  /** Linux: the .NET generation named by the caller (generation.ts); undefined: look on disk. */
  readonly dotnet: DotnetGeneration | undefined;
}

/** Where a name is, once the backend has decided (Linux: which generation's tree). */
export interface Located {
  /** Same key, same OS object (e.g. the file path on Linux). */
  readonly key: string;
  /** Linux: the generation whose tree holds it. */
  readonly dotnet: DotnetGeneration;
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
  /**
   * Where `name` is (Linux: the generation rule of generation.ts; throws
   * DotnetGenerationMismatchError). `openHere(key)`: this process has that object open already.
   */
  locate(name: ParsedName, options: BackendOptions, openHere: (key: string) => boolean): Located;
  /** Opens, or creates when `create` and absent. Throws NotFoundError, BadHeaderError, ... */
  open(name: ParsedName, create: boolean, options: BackendOptions, at: Located): OsMutex;
}

/** This platform's backend. */
export function mutexBackend(): MutexBackend {
  return process.platform === 'win32' ? Win32MutexBackend.instance : LinuxMutexBackend.instance;
}
