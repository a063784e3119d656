// Windows backend: the named mutex is a Win32 mutex (CreateMutexW / OpenMutexW), the very
// object .NET's `new Mutex(false, name)` creates or opens, so an unmodified .NET app and
// twinmap meet by name. The name goes to the kernel unchanged ("x" and "Local\x" are one
// object, "Global\x" another).
//
// A Win32 mutex belongs to the thread that acquired it, and it is abandoned only when that
// thread ends. So every hold lives on the handle's wait thread (native/win32/handle.cc), both
// for lock() (the JS thread blocks while that thread waits) and lockOnThread(): release runs
// there, and abandon() ends that thread while it owns the mutex, which makes the next waiter
// (in any process, .NET included) see WAIT_ABANDONED / AbandonedMutexException.
import { ClosedError, TwinmapError, fromOsError } from '../errors.js';
import { native } from '../native.js';
import type { Win32Handle, Win32Native, Win32WaitOutcome } from '../native-types.js';
import type { ParsedName } from '../names.js';
import type { Acquired, BackendOptions, Hold, Located, MutexBackend, OsMutex, PendingLock } from './backend.js';
import { DEFAULT_GENERATION } from './generation.js';

function win32(): Win32Native {
  const w = native.win32;
  if (w === undefined) throw new TwinmapError('UNSUPPORTED', 'twinmap: the Win32 mutex backend needs the Windows build of the addon');
  return w;
}

/** The kernel name: an unprefixed name is the session's, like Local\. */
function kernelName(name: ParsedName): string {
  return `${name.scope === 'global' ? 'Global' : 'Local'}\\${name.base}`;
}

class Win32Mutex implements OsMutex {
  private closed = false;

  constructor(
    private readonly handle: Win32Handle,
    readonly created: boolean,
    readonly where: string,
  ) {}

  private hold(): Hold {
    return {
      tid: this.handle.waitThreadId,
      release: () => this.handle.releaseMutexOnWaitThread(),
      abandon: () => this.handle.endWaitThread(),
    };
  }

  private acquired(outcome: Win32WaitOutcome): Acquired | 'timeout' {
    if (outcome === 'timeout') return 'timeout';
    return { result: outcome === 'abandoned' ? 'abandoned' : 'acquired', hold: this.hold() };
  }

  lock(timeoutMs: number): Acquired | 'timeout' {
    this.check();
    try {
      return this.acquired(this.handle.waitOnThread(timeoutMs));
    } catch (e) {
      throw fromOsError(e, `lock ${this.where}`);
    }
  }

  lockOnThread(timeoutMs: number): PendingLock {
    this.check();
    let cancelled = false;
    const promise = this.handle.waitAsync(timeoutMs).then(
      (outcome) => {
        if (outcome === 'canceled') throw new ClosedError(`named mutex ${this.where}`);
        if (cancelled && outcome !== 'timeout') {
          // Taken just before the thread saw cancel(): give it back untouched.
          this.handle.releaseMutexOnWaitThread();
          throw new ClosedError(`named mutex ${this.where}`);
        }
        return this.acquired(outcome);
      },
      (e: unknown) => {
        throw fromOsError(e, `lock ${this.where}`);
      },
    );
    return {
      promise,
      cancel: () => {
        cancelled = true;
        this.handle.cancelWaitAsync();
      },
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Ends the wait thread (a hold still on it is abandoned, as .NET's would be when its
    // thread ends) and closes the handle; the name goes with the last handle anywhere.
    this.handle.close();
  }

  private check(): void {
    if (this.closed) throw new ClosedError(`named mutex ${this.where}`);
  }
}

export class Win32MutexBackend implements MutexBackend {
  static readonly instance = new Win32MutexBackend();

  locate(name: ParsedName): Located {
    return { key: kernelName(name), dotnet: DEFAULT_GENERATION };
  }

  open(name: ParsedName, create: boolean, options: BackendOptions): OsMutex {
    const w = win32();
    const where = JSON.stringify(name.original);
    if (options.currentUserOnly) {
      // .NET gives such a mutex a security descriptor for the current user only; the addon does
      // not build security descriptors yet, so refuse rather than create a wider one.
      throw new TwinmapError('UNSUPPORTED', `named mutex ${where}: currentUserOnly is not supported on Windows yet`);
    }
    try {
      if (!create) return new Win32Mutex(w.openMutex(name.original), false, where);
      const { handle, existed } = w.createMutex(name.original);
      return new Win32Mutex(handle, !existed, where);
    } catch (e) {
      throw fromOsError(e, `named mutex ${where}`);
    }
  }
}
