// What one open channel handle knows: the views over the mapping and this handle's own place in
// the protocol (writer slot, reader tail, spin statistics, async waiters). The writer and reader
// sides (ChannelWriter in send.ts, ChannelReader in receive.ts: classes, so V8 binds their hot
// methods at compile time) and the functions of peers.ts and waiting.ts work over it; the .NET
// twin keeps the same fields in Channel.cs, shared by its partial-class files.
import type { EventEmitter } from 'node:events';
import { ClosedError } from '../errors.js';
import type { NativeFutexWaiter } from '../native-types.js';
import type { RegionFutex } from '../futex/region-futex.js';
import type { Region } from '../shm-region.js';
import * as L from './layout.js';

export class ChannelState {
  readonly name: string;
  /** Ring bytes. */
  readonly capacity: number;
  /** The largest record this channel can carry (capacity - 8). */
  readonly maxMessageSize: number;
  /** The Channel: 'peerGone' and 'message' are emitted on it. */
  readonly events: EventEmitter;

  region: Region | undefined; // undefined once closed
  readonly buf: ArrayBuffer;
  readonly hdr: Int32Array;
  readonly dv: DataView;
  readonly ring: Uint8Array;
  readonly ringI32: Int32Array;
  readonly tailBatch: number; // the reader stores tail once it is this many bytes ahead of the shared tail
  readonly mask: number;
  readonly spinMs: number;
  readonly peerCheckMs: number;
  readonly futex: RegionFutex; // the region's words: wait/wake across processes
  // Adaptive spinning: spins that keep missing (the peer is slow, or shares our core on a busy
  // machine, where spinning only delays it) are skipped for a while (waiting.ts).
  spinMisses = 0;
  spinSkip = 0;

  slot = -1; // writer slot, claimed on first send
  reader = false; // attached as the reader
  tail = 0; // the reader's position (the shared tail lags it by less than tailBatch bytes: receive.ts)
  publishedTail = 0; // the last value this reader stored to the shared tail
  seenHead = 0; // the reader's last read of head: records up to it are there without re-reading head
  lastReap = 0; // performance.now() of the last reapIfDue that reaped
  pendingTail: number | undefined; // where tail goes once the current view is released (any int32: positions wrap)
  readonly waiters = new Map<number, NativeFutexWaiter[]>(); // idle async waiters per word
  readonly busyWaiters = new Set<NativeFutexWaiter>();
  pumping = false; // a 'message' receive loop runs
  asyncDataWaits = 0; // async receives asleep on data_seq (see receiveSync)
  quiet = false; // a sync poll lowered reader_waiting; the event loop's next check phase raises it (receiveSync)

  constructor(name: string, region: Region, spinMicros: number, peerCheckMs: number, events: EventEmitter) {
    this.name = name;
    this.events = events;
    this.region = region;
    this.buf = region.buffer;
    this.futex = region.futex;
    this.hdr = new Int32Array(this.buf, 0, L.HEADER_SIZE / 4);
    this.dv = new DataView(this.buf);
    this.capacity = this.dv.getUint32(L.OFF_CAPACITY, true);
    this.maxMessageSize = this.capacity - L.FRAME_HEADER;
    this.ring = new Uint8Array(this.buf, L.HEADER_SIZE, this.capacity);
    this.ringI32 = new Int32Array(this.buf, L.HEADER_SIZE, this.capacity / 4);
    this.tailBatch = Math.min(this.capacity >>> 3, L.TAIL_BATCH_MAX);
    this.mask = this.capacity - 1;
    this.spinMs = spinMicros / 1000;
    this.peerCheckMs = peerCheckMs;
  }

  get closed(): boolean {
    return this.region === undefined;
  }

  ensureOpen(): void {
    // The throw is a call of its own: small enough that V8 inlines the check into every send and receive.
    if (this.region === undefined) this.throwClosed();
  }

  private throwClosed(): never {
    throw new ClosedError(`channel ${JSON.stringify(this.name)}`);
  }
}
