// A named event that Node and .NET can both set and wait on. Auto-reset: a set() releases one
// waiter and clears itself. Manual-reset: a set() releases every waiter and stays set until
// reset(). The OS object is the platform backend's (backend.ts): a futex word in a small shared
// region on Linux (linux.ts), a Win32 named event on Windows (win32.ts). The .NET twin is
// dotnet/Twinmap/NamedEvent.cs.
import { TwinmapError } from '../errors.js';
import type { OpenMode } from '../shm-region.js';
import { eventBackend, type OsEvent } from './backend.js';

export interface NamedEventOptions {
  /** Auto-reset (the default) releases one waiter per set(); manual-reset releases all. */
  autoReset?: boolean;
}

function checkTimeout(timeoutMs: number): void {
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs)) {
    throw new TwinmapError('INVALID_ARGUMENT', `timeoutMs must be a number (Infinity or < 0 waits forever), got ${String(timeoutMs)}`);
  }
}

export class NamedEvent implements Disposable {
  readonly name: string;
  /** True for auto-reset events (read from the shared header, not from the options of open). */
  readonly autoReset: boolean;
  private readonly os: OsEvent;

  private constructor(name: string, os: OsEvent) {
    this.name = name;
    this.os = os;
    this.autoReset = os.autoReset;
  }

  /** Creates a new event (initially not set); ALREADY_EXISTS if the name is taken. */
  static create(name: string, options: NamedEventOptions = {}): NamedEvent {
    return NamedEvent.openWith(name, 'create', options);
  }

  /** Opens an existing event; NOT_FOUND if there is none, BAD_HEADER if the name holds something else. */
  static open(name: string): NamedEvent {
    return NamedEvent.openWith(name, 'open', {});
  }

  /** Opens the event, creating it if needed (options apply only when this call creates it). */
  static openOrCreate(name: string, options: NamedEventOptions = {}): NamedEvent {
    return NamedEvent.openWith(name, 'openOrCreate', options);
  }

  /** Removes the name; processes that have it open keep working. False if it did not exist. */
  static unlink(name: string): boolean {
    return eventBackend().unlink(name);
  }

  private static openWith(name: string, mode: OpenMode, options: NamedEventOptions): NamedEvent {
    return new NamedEvent(name, eventBackend().open(name, mode, options.autoReset !== false));
  }

  /** Signals the event: wakes one waiter (auto-reset) or all of them (manual-reset). */
  set(): void {
    this.os.set();
  }

  /** Clears the event. */
  reset(): void {
    this.os.reset();
  }

  /** True if the event is set now (does not consume it). */
  get isSet(): boolean {
    return this.os.isSet();
  }

  /** Takes the signal if it is there (auto-reset clears it); never sleeps. */
  tryWait(): boolean {
    return this.os.tryWait();
  }

  /**
   * Blocks this thread until the event is set or `timeoutMs` passes (Infinity or < 0: no
   * limit). Returns true if it was signalled. An auto-reset event is cleared by this wait.
   */
  wait(timeoutMs = Infinity): boolean {
    checkTimeout(timeoutMs);
    return this.os.wait(timeoutMs);
  }

  /**
   * Waits without blocking the event loop (a native thread sleeps in the kernel). Resolves
   * true if signalled, false on timeout; rejects with CLOSED if the event is closed, or with
   * the signal's reason if `signal` aborts.
   */
  async waitAsync(timeoutMs = Infinity, signal?: AbortSignal): Promise<boolean> {
    checkTimeout(timeoutMs);
    return this.os.waitAsync(timeoutMs, signal);
  }

  /** Closes the event; pending async waits reject with CLOSED. Idempotent. */
  close(): void {
    this.os.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
