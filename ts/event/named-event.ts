// A named event that Node and .NET can both set and wait on. On Linux it is a futex word in
// a small shared region (/dev/shm/<name>), the same layout as dotnet/Twinmap/NamedEvent.cs.
// Auto-reset: a set() releases one waiter and clears itself. Manual-reset: a set() releases
// every waiter and stays set until reset().
import { BadHeaderError, ClosedError, TwinmapError } from '../errors.js';
import type { NativeFutexWaiter } from '../native-types.js';
import type { RegionFutex } from '../futex/region-futex.js';
import { openRegion, unlinkRegion, type OpenMode, type Region } from '../shm-region.js';
import { NamedEventWin32 } from './named-event-win32.js';
import {
  EVENT_MAGIC,
  EVENT_SIZE,
  EVENT_VERSION,
  FLAG_MANUAL_RESET,
  OFF_FLAGS,
  OFF_MAGIC,
  OFF_STATE,
  OFF_VERSION,
  OFF_WAITERS,
} from './layout.js';

export interface NamedEventOptions {
  /** Auto-reset (the default) releases one waiter per set(); manual-reset releases all. */
  autoReset?: boolean;
}

const I_STATE = OFF_STATE / 4;
const I_WAITERS = OFF_WAITERS / 4;

function checkTimeout(timeoutMs: number): void {
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs)) {
    throw new TwinmapError('INVALID_ARGUMENT', `timeoutMs must be a number (Infinity or < 0 waits forever), got ${String(timeoutMs)}`);
  }
}

export class NamedEvent implements Disposable {
  readonly name: string;
  /** True for auto-reset events (read from the shared header, not from the options of open). */
  readonly autoReset: boolean;
  private region: Region | undefined;
  private readonly futex: RegionFutex; // the region's state word: wait/wake across processes
  private readonly i32: Int32Array;
  private readonly idle: NativeFutexWaiter[] = [];
  private readonly busy = new Set<{ waiter: NativeFutexWaiter; reject: (e: Error) => void }>();

  private constructor(name: string, region: Region) {
    this.name = name;
    this.region = region;
    this.futex = region.futex;
    this.i32 = new Int32Array(region.buffer, 0, EVENT_SIZE / 4);
    this.autoReset = (new DataView(region.buffer).getUint16(OFF_FLAGS, true) & FLAG_MANUAL_RESET) === 0;
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
    if (process.platform === 'win32') return NamedEventWin32.unlink(name);
    return unlinkRegion(name);
  }

  private static openWith(name: string, mode: OpenMode, options: NamedEventOptions): NamedEvent {
    // Windows: a Win32 named event (named-event-win32.ts), with the same public surface.
    if (process.platform === 'win32') return NamedEventWin32.openWith(name, mode, options) as unknown as NamedEvent;
    const manual = options.autoReset === false;
    const region = openRegion(
      name,
      mode,
      { kind: 'event', magicOffset: OFF_MAGIC, magic: EVENT_MAGIC },
      {
        size: EVENT_SIZE,
        init: (buf) => {
          const dv = new DataView(buf);
          dv.setUint16(OFF_VERSION, EVENT_VERSION, true);
          dv.setUint16(OFF_FLAGS, manual ? FLAG_MANUAL_RESET : 0, true);
        },
      },
      (buf, fileSize) => {
        const dv = new DataView(buf);
        const version = dv.getUint16(OFF_VERSION, true);
        if (version !== EVENT_VERSION) {
          throw new BadHeaderError(`event ${JSON.stringify(name)}: version ${version} at offset ${OFF_VERSION}, this library speaks ${EVENT_VERSION}`);
        }
        if (fileSize < EVENT_SIZE) throw new BadHeaderError(`event ${JSON.stringify(name)}: the map is ${fileSize} bytes, an event needs ${EVENT_SIZE}`);
        const state = dv.getUint32(OFF_STATE, true);
        if (state > 1) throw new BadHeaderError(`event ${JSON.stringify(name)}: state ${state} at offset ${OFF_STATE} is neither 0 nor 1`);
      },
    );
    return new NamedEvent(name, region);
  }

  private get buf(): ArrayBuffer {
    if (this.region === undefined) throw new ClosedError(`event ${JSON.stringify(this.name)}`);
    return this.region.buffer;
  }

  /** Signals the event: wakes one waiter (auto-reset) or all of them (manual-reset). */
  set(): void {
    void this.buf; // CLOSED if closed
    if (Atomics.exchange(this.i32, I_STATE, 1) === 0 && Atomics.load(this.i32, I_WAITERS) !== 0) {
      this.futex.wake(OFF_STATE, this.autoReset ? 1 : 0);
    }
  }

  /** Clears the event. */
  reset(): void {
    void this.buf;
    Atomics.store(this.i32, I_STATE, 0);
  }

  /** True if the event is set now (does not consume it). */
  get isSet(): boolean {
    void this.buf;
    return Atomics.load(this.i32, I_STATE) === 1;
  }

  /** Takes the signal if it is there (auto-reset clears it); never sleeps. */
  tryWait(): boolean {
    void this.buf;
    return this.autoReset ? Atomics.compareExchange(this.i32, I_STATE, 1, 0) === 1 : Atomics.load(this.i32, I_STATE) === 1;
  }

  /**
   * Blocks this thread until the event is set or `timeoutMs` passes (Infinity or < 0: no
   * limit). Returns true if it was signalled. An auto-reset event is cleared by this wait.
   */
  wait(timeoutMs = Infinity): boolean {
    checkTimeout(timeoutMs);
    void this.buf; // CLOSED if closed
    const forever = timeoutMs < 0 || timeoutMs === Infinity;
    const deadline = performance.now() + (forever ? 0 : timeoutMs);
    for (;;) {
      if (this.tryWait()) return true;
      const left = forever ? -1 : deadline - performance.now();
      if (!forever && left <= 0) return false;
      Atomics.add(this.i32, I_WAITERS, 1);
      try {
        if (Atomics.load(this.i32, I_STATE) === 0) this.futex.wait(OFF_STATE, 0, left);
      } finally {
        Atomics.sub(this.i32, I_WAITERS, 1);
      }
    }
  }

  /**
   * Waits without blocking the event loop (a native thread sleeps in the kernel). Resolves
   * true if signalled, false on timeout; rejects with CLOSED if the event is closed, or with
   * the signal's reason if `signal` aborts.
   */
  async waitAsync(timeoutMs = Infinity, signal?: AbortSignal): Promise<boolean> {
    checkTimeout(timeoutMs);
    signal?.throwIfAborted();
    const forever = timeoutMs < 0 || timeoutMs === Infinity;
    const deadline = performance.now() + (forever ? 0 : timeoutMs);
    for (;;) {
      if (this.tryWait()) return true;
      const left = forever ? -1 : deadline - performance.now();
      if (!forever && left <= 0) return false;
      await this.sleep(left, signal);
    }
  }

  private sleep(timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    void this.buf; // CLOSED if closed
    const waiter = this.idle.pop() ?? this.futex.waiter(OFF_STATE);
    return new Promise<void>((resolve, reject) => {
      const entry = { waiter, reject };
      const onAbort = () => waiter.cancel();
      Atomics.add(this.i32, I_WAITERS, 1);
      this.busy.add(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
      waiter.wait(0, timeoutMs, (result) => {
        signal?.removeEventListener('abort', onAbort);
        this.busy.delete(entry);
        if (this.region === undefined) {
          waiter.close();
          reject(new ClosedError(`event ${JSON.stringify(this.name)}`));
          return;
        }
        Atomics.sub(this.i32, I_WAITERS, 1);
        this.idle.push(waiter);
        if (result === 'fault') reject(new TwinmapError('OS', `event ${JSON.stringify(this.name)}: futex wait failed`));
        else if (signal?.aborted) reject(signal.reason);
        else resolve();
      });
    });
  }

  /** Unmaps the event; pending async waits reject with CLOSED. Idempotent. */
  close(): void {
    const region = this.region;
    if (region === undefined) return;
    for (const w of this.idle.splice(0)) w.close();
    for (const { waiter } of this.busy) {
      Atomics.sub(this.i32, I_WAITERS, 1);
      waiter.cancel();
    }
    this.region = undefined;
    // The waiter threads hold the buffer until they have stopped; then the pages can go.
    if (this.busy.size === 0) region.map.close();
    else void Promise.resolve().then(() => this.unmapWhenIdle(region));
  }

  private unmapWhenIdle(region: Region): void {
    if (this.busy.size === 0) region.map.close();
    else setTimeout(() => this.unmapWhenIdle(region), 1);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
