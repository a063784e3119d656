// NamedEvent on Windows: a Win32 named event (CreateEventW / OpenEventW), the very object
// .NET's `new EventWaitHandle(false, EventResetMode.AutoReset, name)` creates or opens, so an
// unmodified .NET app and twinmap meet by name. The .NET twin is NamedEvent.Windows.cs.
//
// Differences from Linux, from Windows itself: a name lives only while some process holds a
// handle to it (unlink() has nothing to remove), and Local\ / Global\ go to the kernel as is.
import { AlreadyExistsError, ClosedError, fromOsError, TwinmapError } from '../errors.js';
import { native } from '../native.js';
import type { Win32Handle, Win32Native } from '../native-types.js';
import { parseName } from '../names.js';
import type { OpenMode } from '../shm-region.js';
import type { EventBackend, OsEvent } from './backend.js';

function win32(): Win32Native {
  const w = native.win32;
  if (w === undefined) throw new TwinmapError('UNSUPPORTED', 'twinmap: the Win32 event backend needs the Windows build of the addon');
  return w;
}

/** Infinity and negative timeouts mean "forever" (-1 for the addon). */
function nativeTimeout(timeoutMs: number): number {
  return timeoutMs < 0 || timeoutMs === Infinity ? -1 : timeoutMs;
}

export class Win32EventBackend implements EventBackend {
  static readonly instance = new Win32EventBackend();

  open(name: string, mode: OpenMode, autoReset: boolean): OsEvent {
    parseName(name); // the same names as on Linux; Windows gets them unchanged
    const w = win32();
    const what = `event ${JSON.stringify(name)}`;
    try {
      if (mode === 'open') return new Win32Event(name, w.openEvent(name));
      const { handle, existed } = w.createEvent(name, !autoReset, false);
      if (existed && mode === 'create') {
        handle.close();
        throw new AlreadyExistsError(`${what}: already exists`, { osCode: 'ERROR_ALREADY_EXISTS' });
      }
      return new Win32Event(name, handle);
    } catch (e) {
      throw fromOsError(e, what);
    }
  }

  /** Windows removes a name with its last handle: there is nothing to remove. Always false. */
  unlink(name: string): boolean {
    parseName(name);
    return false;
  }
}

export class Win32Event implements OsEvent {
  readonly autoReset: boolean;
  private readonly name: string;
  private handle: Win32Handle | undefined;
  // Each Win32Handle runs one async wait at a time on its own thread; concurrent waitAsync
  // calls each get their own handle to the same event, kept for reuse.
  private readonly idle: Win32Handle[] = [];
  private readonly busy = new Set<Win32Handle>();

  constructor(name: string, handle: Win32Handle) {
    this.name = name;
    this.handle = handle;
    this.autoReset = !win32().queryEvent(handle).manualReset;
  }

  private get h(): Win32Handle {
    if (this.handle === undefined) throw new ClosedError(`event ${JSON.stringify(this.name)}`);
    return this.handle;
  }

  set(): void {
    this.h.setEvent();
  }

  reset(): void {
    this.h.resetEvent();
  }

  isSet(): boolean {
    return win32().queryEvent(this.h).signaled;
  }

  tryWait(): boolean {
    return this.h.wait(0) === 'signaled';
  }

  wait(timeoutMs: number): boolean {
    return this.h.wait(nativeTimeout(timeoutMs)) === 'signaled';
  }

  async waitAsync(timeoutMs: number, signal: AbortSignal | undefined): Promise<boolean> {
    signal?.throwIfAborted();
    void this.h;
    const waiter = this.idle.pop() ?? win32().openEvent(this.name);
    this.busy.add(waiter);
    const onAbort = () => waiter.cancelWaitAsync();
    signal?.addEventListener('abort', onAbort, { once: true });
    let outcome: string;
    try {
      outcome = await waiter.waitAsync(nativeTimeout(timeoutMs));
    } catch (e) {
      throw fromOsError(e, `event ${JSON.stringify(this.name)}`);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.busy.delete(waiter);
      if (this.handle === undefined) waiter.close();
      else this.idle.push(waiter);
    }
    if (outcome === 'canceled') {
      if (this.handle === undefined) throw new ClosedError(`event ${JSON.stringify(this.name)}`);
      throw signal?.reason ?? new TwinmapError('OS', `event ${JSON.stringify(this.name)}: wait canceled`);
    }
    return outcome === 'signaled';
  }

  close(): void {
    const handle = this.handle;
    if (handle === undefined) return;
    this.handle = undefined;
    for (const w of this.idle.splice(0)) w.close();
    // Busy waiters end with "canceled" and are closed by their waitAsync.
    for (const w of this.busy) w.cancelWaitAsync();
    handle.close();
  }
}
