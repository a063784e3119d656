// NamedEvent on Linux: a futex word in a small shared region (/dev/shm/<name>), the same layout
// as dotnet/Twinmap/NamedEvent.Linux.cs (formats/event_header.ksy). Sleepers count themselves
// in `waiters`, so set() makes a syscall only when someone sleeps.
import { performance } from 'node:perf_hooks';
import { BadHeaderError, ClosedError, TwinmapError } from '../errors.js';
import type { NativeFutexWaiter } from '../native-types.js';
import type { RegionFutex } from '../futex/region-futex.js';
import { openRegion, unlinkRegion, type OpenMode, type Region } from '../shm-region.js';
import type { EventBackend, OsEvent } from './backend.js';
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

const I_STATE = OFF_STATE / 4;
const I_WAITERS = OFF_WAITERS / 4;

export class LinuxEventBackend implements EventBackend {
  static readonly instance = new LinuxEventBackend();

  open(name: string, mode: OpenMode, autoReset: boolean): OsEvent {
    const region = openRegion(
      name,
      mode,
      { kind: 'event', magicOffset: OFF_MAGIC, magic: EVENT_MAGIC },
      {
        size: EVENT_SIZE,
        init: (buf) => {
          const dv = new DataView(buf);
          dv.setUint16(OFF_VERSION, EVENT_VERSION, true);
          dv.setUint16(OFF_FLAGS, autoReset ? 0 : FLAG_MANUAL_RESET, true);
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
    return new LinuxEvent(name, region);
  }

  unlink(name: string): boolean {
    return unlinkRegion(name);
  }
}

export class LinuxEvent implements OsEvent {
  readonly autoReset: boolean;
  private readonly name: string;
  private region: Region | undefined;
  private readonly futex: RegionFutex; // the region's state word: wait/wake across processes
  private readonly i32: Int32Array;
  private readonly idle: NativeFutexWaiter[] = [];
  private readonly busy = new Set<{ waiter: NativeFutexWaiter; reject: (e: Error) => void }>();

  constructor(name: string, region: Region) {
    this.name = name;
    this.region = region;
    this.futex = region.futex;
    this.i32 = new Int32Array(region.buffer, 0, EVENT_SIZE / 4);
    this.autoReset = (new DataView(region.buffer).getUint16(OFF_FLAGS, true) & FLAG_MANUAL_RESET) === 0;
  }

  private get buf(): ArrayBuffer {
    if (this.region === undefined) throw new ClosedError(`event ${JSON.stringify(this.name)}`);
    return this.region.buffer;
  }

  set(): void {
    void this.buf; // CLOSED if closed
    if (Atomics.exchange(this.i32, I_STATE, 1) === 0 && Atomics.load(this.i32, I_WAITERS) !== 0) {
      this.futex.wake(OFF_STATE, this.autoReset ? 1 : 0);
    }
  }

  reset(): void {
    void this.buf;
    Atomics.store(this.i32, I_STATE, 0);
  }

  isSet(): boolean {
    void this.buf;
    return Atomics.load(this.i32, I_STATE) === 1;
  }

  tryWait(): boolean {
    void this.buf;
    return this.autoReset ? Atomics.compareExchange(this.i32, I_STATE, 1, 0) === 1 : Atomics.load(this.i32, I_STATE) === 1;
  }

  wait(timeoutMs: number): boolean {
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

  async waitAsync(timeoutMs: number, signal: AbortSignal | undefined): Promise<boolean> {
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

  // One native waiter thread per pending async wait, reused between waits.
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
}
