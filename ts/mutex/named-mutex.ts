// NamedMutex: a mutex shared by name with other processes, including unmodified .NET programs
// using `new System.Threading.Mutex(false, name)`.
//
// Ownership follows .NET's rules with the JS thread as the owning thread: lock() on a mutex this
// process already holds just counts (recursion), and unlock() must balance each lock. One OS
// object per name per process, shared by every NamedMutex handle for that name (as in .NET).
// lockAsync() waits on a dedicated OS thread that then owns the lock until unlock(), because a
// pthread mutex can only be released by the thread that took it.
import { AlreadyExistsError, ClosedError, NotOwnerError, TimeoutError, TwinmapError } from '../errors.js';
import { type ParsedName, parseName, quoteName } from '../names.js';
import { mutexBackend, type Acquired, type BackendOptions, type Hold, type LockResult, type OsMutex, type PendingLock } from './backend.js';
import { type DotnetGeneration, checkGeneration } from './generation.js';
import { type NamedWaitHandleOptions, resolveWaitHandleOptions } from './wait-handle-options.js';

export type { LockResult } from './backend.js';
export type { DotnetGeneration } from './generation.js';
export type { NamedWaitHandleOptions } from './wait-handle-options.js';

/**
 * `currentUserOnly` / `currentSessionOnly` are .NET 10's NamedWaitHandleOptions: give them exactly
 * when the .NET program passes options (`new Mutex(name, new NamedWaitHandleOptions { ... })`);
 * an option left out then means true, as in .NET. Leave both out to meet `new Mutex(false, name)`.
 */
export interface NamedMutexOptions extends NamedWaitHandleOptions {
  /**
   * The .NET generation you meet (Linux; it decides which directory tree the name lives in):
   * 'net10' for .NET 6-10 (and .NET 11 apps with the runtimeconfig switch
   * System.Threading.Mutex.UnsafeDefaultMutexScopeGlobal), 'net11' for .NET 11+. Left out: the
   * tree where a live process has the name open, else 'net10'. A live process in the other
   * generation's tree is a DotnetGenerationMismatchError, never a silent second mutex.
   */
  readonly dotnet?: DotnetGeneration;
}

/** Process-wide state of one named mutex: shared by every handle with the same name. */
interface ProcessState {
  readonly key: string;
  readonly os: OsMutex;
  readonly dotnet: DotnetGeneration;
  refs: number;
  /** Recursion count of this process (the JS thread) as owner. */
  count: number;
  hold: Hold | undefined;
  /** A lockAsync waiting on its holder thread. */
  pending: PendingLock | undefined;
  /** Serialises withLockAsync bodies in this process. */
  queue: Promise<unknown>;
}

const states = new Map<string, ProcessState>();

/** The process's last handle for a name is gone: abandon a held lock (as .NET), give up the file. */
function closeState(s: ProcessState): void {
  s.refs = 0;
  states.delete(s.key);
  if (s.hold) {
    const hold = s.hold;
    s.hold = undefined;
    s.count = 0;
    hold.abandon();
  }
  if (s.pending) {
    // The holder thread may still be inside the mapping: close the file only once it is done.
    const pending = s.pending;
    pending.cancel();
    pending.promise.then(
      (r) => {
        if (r !== 'timeout') r.hold.release();
        s.os.close();
      },
      () => s.os.close(),
    );
    return;
  }
  s.os.close();
}

// A normal exit closes what the program left open, so the last user still deletes the file
// (after a crash or SIGKILL the file is stale instead, and the next user cleans it up).
let exitHook = false;
function closeAllAtExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const s of [...states.values()]) {
      try {
        closeState(s);
      } catch {
        // exiting anyway; the file is then stale and the next user cleans it up
      }
    }
  });
}

function checkTimeout(timeoutMs: number | undefined, what: string): number {
  if (timeoutMs === undefined || timeoutMs === Infinity || timeoutMs === -1) return -1;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new TwinmapError('INVALID_ARGUMENT', `${what}: timeoutMs must be a number >= 0, -1 or Infinity (no limit); got ${String(timeoutMs)}`);
  }
  return Math.ceil(timeoutMs);
}

function checkBody(fn: unknown, what: string): void {
  if (typeof fn !== 'function') throw new TwinmapError('INVALID_ARGUMENT', `${what}(fn, timeoutMs?): fn must be a function, got ${typeof fn} ${String(fn)}`);
}

/**
 * A handle dropped without close(): give its reference back when it is collected, as .NET's
 * SafeHandle does, so the fd, mapping and file do not stay until the process exits.
 */
const dropped = new FinalizationRegistry<ProcessState>((s) => {
  if (s.refs <= 0 || states.get(s.key) !== s) return;
  if (--s.refs > 0) return;
  try {
    closeState(s);
  } catch {
    // nothing to report to: a later open of the name finds the file stale and cleans it up
  }
});

type OpenMode = 'create' | 'open' | 'openOrCreate';

export class NamedMutex implements Disposable {
  private state: ProcessState | undefined;

  private constructor(
    /** The name as given, e.g. "Global\\orders". */
    readonly name: string,
    state: ProcessState,
    /** True when this call created the mutex (.NET's createdNew). */
    readonly createdNew: boolean,
  ) {
    this.state = state;
    dropped.register(this, state, this);
  }

  /** Creates the mutex; AlreadyExistsError if it exists (in any process). */
  static create(name: string, options?: NamedMutexOptions): NamedMutex {
    return NamedMutex.get(name, 'create', options);
  }

  /** Opens an existing mutex (.NET's Mutex.OpenExisting); NotFoundError if there is none. */
  static open(name: string, options?: NamedMutexOptions): NamedMutex {
    return NamedMutex.get(name, 'open', options);
  }

  /** Opens the mutex, creating it if needed: what `new Mutex(false, name)` does. */
  static openOrCreate(name: string, options?: NamedMutexOptions): NamedMutex {
    return NamedMutex.get(name, 'openOrCreate', options);
  }

  private static get(name: string, mode: OpenMode, options: NamedMutexOptions | undefined): NamedMutex {
    if (options !== undefined && 'layout' in options) {
      // Removed: .NET 6-11 write the same bytes; what differs is the tree (the dotnet option).
      throw new TwinmapError(
        'INVALID_ARGUMENT',
        `named mutex ${JSON.stringify(name)}: the layout option is gone (.NET 6-11 write the same bytes); to meet a .NET 11 app's new Mutex(false, name) pass { dotnet: 'net11' }`,
      );
    }
    const dotnet = checkGeneration(options?.dotnet);
    const resolved = resolveWaitHandleOptions(name, options);
    const parsed: ParsedName = parseName(resolved.name);
    const be = mutexBackend();
    const bopts: BackendOptions = { dotnet, currentUserOnly: resolved.currentUserOnly };
    const at = be.locate(parsed, bopts, (key) => states.has(key));
    const key = at.key;
    const existing = states.get(key);
    if (existing) {
      if (mode === 'create') {
        throw new AlreadyExistsError(`named mutex ${quoteName(name)} already exists (open in this process)`);
      }
      existing.refs++;
      return new NamedMutex(name, existing, false);
    }
    const os = be.open(parsed, mode !== 'open', bopts, at);
    if (mode === 'create' && !os.created) {
      os.close();
      throw new AlreadyExistsError(`named mutex ${quoteName(name)} already exists (${os.where})`);
    }
    const state: ProcessState = { key, os, dotnet: at.dotnet, refs: 1, count: 0, hold: undefined, pending: undefined, queue: Promise.resolve() };
    states.set(key, state);
    closeAllAtExit();
    return new NamedMutex(name, state, os.created);
  }

  /** The .NET generation whose tree holds this mutex (Linux; the dotnet option, or what was found). */
  get dotnet(): DotnetGeneration {
    return this.live().dotnet;
  }

  /** Where it is: the file path on Linux, the kernel name on Windows. */
  get where(): string {
    return this.live().os.where;
  }

  /** True while this process holds the lock (on any of its handles for this name). */
  get isHeld(): boolean {
    return (this.state?.count ?? 0) > 0;
  }

  get closed(): boolean {
    return this.state === undefined;
  }

  private live(): ProcessState {
    if (this.state === undefined) throw new ClosedError(`named mutex ${JSON.stringify(this.name)}`);
    return this.state;
  }

  /**
   * Blocks the JS thread until the lock is taken or `timeoutMs` passes (default: no limit).
   * Returns 'acquired', 'abandoned' (taken; the previous owner died or closed while holding it)
   * or 'timeout'. Recursive: each successful lock needs one unlock().
   */
  lock(timeoutMs?: number): LockResult {
    const s = this.live();
    const t = checkTimeout(timeoutMs, 'lock');
    if (s.count > 0) return this.recurse(s);
    if (s.pending) {
      if (t === 0) return 'timeout';
      throw new TwinmapError(
        'WOULD_DEADLOCK',
        `lock(): a lockAsync() on ${JSON.stringify(this.name)} is still waiting in this process; await it (a blocking lock now could never see it finish)`,
      );
    }
    const r = s.os.lock(t);
    if (r === 'timeout') return r;
    return this.own(s, r);
  }

  /** lock(0): never waits. */
  tryLock(): LockResult {
    return this.lock(0);
  }

  /**
   * Waits without blocking the event loop. If the lock is free it is taken at once on the JS
   * thread; otherwise a dedicated OS thread waits for it and owns it until unlock().
   * Resolves like lock(). Recursive with lock() (the process is one owner).
   */
  async lockAsync(timeoutMs?: number): Promise<LockResult> {
    const s = this.live();
    const t = checkTimeout(timeoutMs, 'lockAsync');
    if (s.count > 0) return this.recurse(s);
    if (s.pending) {
      // Another lockAsync is waiting: the process gets the lock once, then this one recurses.
      const first = s.pending.promise;
      const started = Date.now();
      await first.then(
        () => undefined,
        () => undefined,
      );
      const left = t < 0 ? -1 : Math.max(0, t - (Date.now() - started));
      return this.lockAsync(left);
    }
    // Fast path: a try on the JS thread never blocks, and then the JS thread owns it as with
    // lock(). Only a wait needs the holder thread (~50 µs to start, vs ~1 µs for this).
    const now = s.os.lock(0);
    if (now !== 'timeout') return this.own(s, now);
    if (t === 0) return 'timeout';
    const pending = s.os.lockOnThread(t);
    s.pending = pending;
    let r: Acquired | 'timeout';
    try {
      r = await pending.promise;
    } finally {
      s.pending = undefined;
    }
    if (r === 'timeout') return r;
    if (s.refs === 0) {
      // Closed while the result was on its way: close() gives the lock back.
      throw new ClosedError(`named mutex ${JSON.stringify(this.name)}`);
    }
    return this.own(s, r);
  }

  private recurse(s: ProcessState): LockResult {
    if (s.count >= 0x7fff_ffff) throw new TwinmapError('INVALID_ARGUMENT', `named mutex ${JSON.stringify(this.name)}: too many recursive locks`);
    s.count++;
    return 'acquired';
  }

  private own(s: ProcessState, r: Acquired): LockResult {
    s.hold = r.hold;
    s.count = 1;
    return r.result;
  }

  /** Releases one lock. NotOwnerError if this process does not hold it (as .NET's ReleaseMutex). */
  unlock(): void {
    const s = this.live();
    if (s.count === 0 || s.hold === undefined) {
      throw new NotOwnerError(`unlock(): named mutex ${JSON.stringify(this.name)} is not held by this process`);
    }
    if (--s.count > 0) return;
    const hold = s.hold;
    s.hold = undefined;
    hold.release();
  }

  /**
   * lock(timeoutMs), run fn, unlock. fn may be async: the lock is then held until its promise
   * settles (note: other code in this process can still lock recursively meanwhile).
   * Throws a TIMEOUT TwinmapError if the lock is not taken in time.
   */
  withLock<T>(fn: (result: 'acquired' | 'abandoned') => T, timeoutMs?: number): T {
    checkBody(fn, 'withLock');
    const r = this.lock(timeoutMs);
    if (r === 'timeout') throw new TimeoutError(`named mutex ${JSON.stringify(this.name)}: not acquired within ${timeoutMs} ms`);
    let out: T;
    try {
      out = fn(r);
    } catch (e) {
      this.unlock();
      throw e;
    }
    if (out instanceof Promise) {
      return out.finally(() => this.unlock()) as T;
    }
    this.unlock();
    return out;
  }

  /**
   * lockAsync(timeoutMs), run fn, unlock, without blocking the event loop. withLockAsync bodies
   * of one process run one at a time (queued in call order).
   */
  withLockAsync<T>(fn: (result: 'acquired' | 'abandoned') => T | Promise<T>, timeoutMs?: number): Promise<T> {
    checkBody(fn, 'withLockAsync');
    const s = this.live();
    const run = async (): Promise<T> => {
      const r = await this.lockAsync(timeoutMs);
      if (r === 'timeout') throw new TimeoutError(`named mutex ${JSON.stringify(this.name)}: not acquired within ${timeoutMs} ms`);
      try {
        return await fn(r);
      } finally {
        this.unlock();
      }
    };
    const p = s.queue.then(run, run);
    s.queue = p.catch(() => undefined);
    return p;
  }

  /**
   * Closes this handle. When it is the process's last handle for the name and the process still
   * holds the lock, the lock is abandoned as .NET does (the next owner is told 'abandoned' /
   * gets AbandonedMutexException). The last process to close deletes the file. Idempotent.
   */
  close(): void {
    const s = this.state;
    if (s === undefined) return;
    this.state = undefined;
    dropped.unregister(this);
    if (--s.refs > 0) return;
    closeState(s);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
