// A shared-memory message channel between processes (Node and .NET alike): a named region
// holding a header and a ring of length-prefixed records, many writers and one reader.
// The protocol is docs/protocol/channel.md; the .NET twin is dotnet/Twinmap/Channel.cs.
//
// Every word shared with other processes is accessed with Atomics on an Int32Array over the
// mapping. The mapping is a plain (external) ArrayBuffer; V8's Atomics builtins use the same
// locked instructions for it as for a SharedArrayBuffer (checked in the x64 node binary:
// Builtins_AtomicsCompareExchange/Add use `lock cmpxchg`, AtomicsStore uses `xchg`), and
// interop-tests/event.test.ts shows no increment lost between Node and .NET.
//
// Plain reads: an Atomics builtin call costs ~100 instructions in Node 20 (not inlined for a
// non-shared buffer), a typed-array read ~5. So a send reads head and tail_cache plainly: only
// lock holders write them, an aligned 32-bit read is atomic on x64 and arm64, and the lock's
// CAS before the reads is an acquire that V8 does not move reads across. (The reader_state
// check is advisory.) Every write, every read that orders against a store of ours (the waiter
// flags after publishing head or tail: on arm64 only an Atomics.load is ordered after an
// Atomics.store), and every read a wait loop repeats stays an Atomics call.
import { EventEmitter } from 'node:events';
import { AlreadyExistsError, BadHeaderError, ClosedError, PeerGoneError, TimeoutError, TooLargeError, TwinmapError } from '../errors.js';
import { parseName, quoteName } from '../names.js';
import { isAlive, selfStartTime } from '../liveness.js';
import { native } from '../native.js';
import type { NativeFutexWaiter } from '../native-types.js';
import { openRegion, unlinkRegion, type OpenMode, type Region } from '../shm-region.js';
import * as L from './layout.js';

export interface ChannelOptions {
  /** Ring bytes for a new channel: a power of two, 4 KiB .. 1 GiB (default 1 MiB). */
  capacity?: number;
  /** How long a wait spins before it sleeps in the kernel, in microseconds (default 50; 0: never spin). */
  spinMicros?: number;
  /** How often a sleeping side checks that its peers are alive, in ms (default 250). */
  peerCheckMs?: number;
  /**
   * Attach as the channel's reader now, as `attach()` does (default false: the first receive
   * attaches). A creator that is the reader should say so: until a reader attaches, writers
   * cannot tell that nobody will read, and a full ring makes them wait out their timeout.
   */
  reader?: boolean;
  /** Use an existing channel owned by another user (default false: PERMISSION error). docs/security.md. */
  allowForeignOwner?: boolean;
}

/** A process on the other side of the channel that died or closed. */
export interface PeerGone {
  readonly role: 'reader' | 'writer';
  readonly pid: number;
  /** A writer that died holding the write lock (mid-record): the lock was released. */
  readonly heldLock?: boolean;
}

type TryResult = 'ok' | 'locked' | 'full';

const DEFAULT_CAPACITY = 1 << 20;
const slotPidIndex = (slot: number) => (L.OFF_WRITERS + slot * L.WRITER_SLOT_SIZE) / 4;
const slotStartOffset = (slot: number) => L.OFF_WRITERS + slot * L.WRITER_SLOT_SIZE + 8;

function checkTimeout(timeoutMs: number): void {
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs)) {
    throw new TwinmapError('INVALID_ARGUMENT', `timeoutMs must be a number (Infinity or < 0: no limit), got ${String(timeoutMs)}`);
  }
}

function deadlineOf(timeoutMs: number): number {
  checkTimeout(timeoutMs);
  return timeoutMs < 0 || timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
}

function leftMs(deadline: number): number {
  return deadline === Infinity ? Infinity : deadline - performance.now();
}

export class Channel extends EventEmitter implements Disposable, AsyncIterable<Uint8Array> {
  readonly name: string;
  /** Ring bytes. */
  readonly capacity: number;
  /** The largest record this channel can carry (capacity - 8). */
  readonly maxMessageSize: number;

  private region: Region | undefined;
  private readonly buf: ArrayBuffer;
  private readonly hdr: Int32Array;
  private readonly dv: DataView;
  private readonly ring: Uint8Array;
  private readonly ringI32: Int32Array;
  private readonly mask: number;
  private readonly spinMs: number;
  // Adaptive spinning: spins that keep missing (the peer is slow, or shares our core on a busy
  // machine, where spinning only delays it) are skipped for a while.
  private spinMisses = 0;
  private spinSkip = 0;
  private readonly peerCheckMs: number;

  private slot = -1; // writer slot, claimed on first send
  private reader = false; // attached as the reader
  private tail = 0; // the reader's position (mirror of the shared tail)
  private seenHead = 0; // the reader's last read of head: records up to it are there without re-reading head
  private lastReap = 0; // performance.now() of the last reapIfDue that reaped
  private pendingTail: number | undefined; // where tail goes once the current view is released (any int32: positions wrap)
  private readonly waiters = new Map<number, NativeFutexWaiter[]>();
  private readonly busyWaiters = new Set<NativeFutexWaiter>();
  private pumping = false;
  private asyncDataWaits = 0; // async receives asleep on data_seq (see receiveSync)

  private constructor(name: string, region: Region, options: ChannelOptions) {
    super();
    this.name = name;
    this.region = region;
    this.buf = region.buffer;
    this.hdr = new Int32Array(this.buf, 0, L.HEADER_SIZE / 4);
    this.dv = new DataView(this.buf);
    this.capacity = this.dv.getUint32(L.OFF_CAPACITY, true);
    this.maxMessageSize = this.capacity - L.FRAME_HEADER;
    this.ring = new Uint8Array(this.buf, L.HEADER_SIZE, this.capacity);
    this.ringI32 = new Int32Array(this.buf, L.HEADER_SIZE, this.capacity / 4);
    this.mask = this.capacity - 1;
    this.spinMs = (options.spinMicros ?? 50) / 1000;
    this.peerCheckMs = options.peerCheckMs ?? 250;
    this.on('newListener', (event) => {
      if (event === 'message') queueMicrotask(() => this.pump());
    });
  }

  /** Creates a new channel; ALREADY_EXISTS if the name is taken. */
  static create(name: string, options: ChannelOptions = {}): Channel {
    return Channel.openWith(name, 'create', options);
  }

  /** Opens an existing channel (its capacity comes from the header); BAD_HEADER for garbage. */
  static open(name: string, options: ChannelOptions = {}): Channel {
    return Channel.openWith(name, 'open', options);
  }

  /** Opens the channel, creating it (with options.capacity) if needed. */
  static openOrCreate(name: string, options: ChannelOptions = {}): Channel {
    return Channel.openWith(name, 'openOrCreate', options);
  }

  /** Removes the name; processes that have the channel open keep using it. */
  static unlink(name: string): boolean {
    return unlinkRegion(name);
  }

  private static openWith(name: string, mode: OpenMode, options: ChannelOptions): Channel {
    // Every option is checked before anything is created: a bad option leaves no object behind.
    parseName(name);
    const what = `channel ${quoteName(name)}`;
    if (typeof options !== 'object' || options === null) throw new TwinmapError('INVALID_ARGUMENT', `${what}: options must be an object, got ${options === null ? 'null' : typeof options}`);
    const capacity = options.capacity ?? DEFAULT_CAPACITY;
    if (mode !== 'open') {
      if (!Number.isInteger(capacity) || capacity < L.MIN_CAPACITY || capacity > L.MAX_CAPACITY || (capacity & (capacity - 1)) !== 0) {
        throw new TwinmapError('INVALID_ARGUMENT', `${what}: capacity ${String(capacity)} must be a power of two from ${L.MIN_CAPACITY} to ${L.MAX_CAPACITY}`);
      }
    }
    const spin = options.spinMicros ?? 50;
    if (typeof spin !== 'number' || !Number.isFinite(spin) || spin < 0) {
      throw new TwinmapError('INVALID_ARGUMENT', `${what}: spinMicros must be a finite number >= 0, got ${String(spin)}`);
    }
    const peerCheck = options.peerCheckMs ?? 250;
    if (typeof peerCheck !== 'number' || !Number.isFinite(peerCheck) || peerCheck <= 0) {
      throw new TwinmapError('INVALID_ARGUMENT', `${what}: peerCheckMs must be a finite number > 0, got ${String(peerCheck)}`);
    }
    for (const flag of ['reader', 'allowForeignOwner'] as const) {
      if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
        throw new TwinmapError('INVALID_ARGUMENT', `${what}: option ${flag} must be a boolean, got ${typeof options[flag]} ${String(options[flag])}`);
      }
    }
    const region = openRegion(
      name,
      mode,
      { kind: 'channel', magicOffset: L.OFF_MAGIC, magic: L.CHANNEL_MAGIC },
      {
        size: L.HEADER_SIZE + capacity,
        init: (b) => {
          const dv = new DataView(b);
          dv.setUint16(L.OFF_VERSION, L.CHANNEL_VERSION, true);
          dv.setUint16(L.OFF_HEADER_SIZE, L.HEADER_SIZE, true);
          dv.setUint32(L.OFF_CAPACITY, capacity, true);
        },
      },
      (b, fileSize) => checkHeader(name, b, fileSize),
      { allowForeignOwner: options.allowForeignOwner === true },
    );
    const channel = new Channel(name, region, options);
    if (options.reader === true) {
      try {
        channel.attach();
      } catch (e) {
        channel.close();
        if (region.created) unlinkRegion(name);
        throw e;
      }
    }
    return channel;
  }

  private get closed(): boolean {
    return this.region === undefined;
  }

  private ensureOpen(): void {
    if (this.region === undefined) throw new ClosedError(`channel ${JSON.stringify(this.name)}`);
  }

  // ---------------------------------------------------------------- writing

  /**
   * Sends one record, waiting up to `timeoutMs` for room (Infinity: no limit). Throws
   * TOO_LARGE (never fits), TIMEOUT (no room in time), PEER_GONE (the reader closed or died),
   * CLOSED. When it throws, nothing was published.
   */
  send(data: Uint8Array, timeoutMs = Infinity): void {
    checkTimeout(timeoutMs);
    this.checkSendable(data);
    // The common case publishes at once: no clock read (performance.now() was 14 % of a send).
    const r = this.tryPublish(data);
    if (r !== 'ok') this.sendSlow(data, timeoutMs, r);
  }

  private sendSlow(data: Uint8Array, timeoutMs: number, r: TryResult): void {
    const deadline = deadlineOf(timeoutMs);
    // 0 when this wait does not spin: a skipped spin must not count as a miss (as in C#),
    // or skipping re-arms itself for good and a busy pair stays in sleeping mode.
    const budget = this.spinBudget();
    let spinUntil = budget > 0 ? performance.now() + budget : 0;
    for (;;) {
      if (performance.now() < spinUntil) {
        r = this.tryPublish(data);
        if (r === 'ok') return this.spun(true);
        continue;
      }
      if (spinUntil > 0) this.spun(false);
      const left = leftMs(deadline);
      if (left <= 0) throw this.timeoutError(data.length, timeoutMs);
      if (r === 'locked') this.sleepOnLock(Math.min(left, this.peerCheckMs));
      else this.sleepForSpace(data.length, Math.min(left, this.peerCheckMs));
      spinUntil = 0;
      r = this.tryPublish(data);
      if (r === 'ok') return;
    }
  }

  /** Sends if there is room now; false if the ring is full (or another writer holds it). */
  trySend(data: Uint8Array): boolean {
    this.checkSendable(data);
    return this.tryPublish(data) === 'ok';
  }

  /**
   * Sends `records` in order, waiting up to `timeoutMs` for room (Infinity: no limit). As many
   * as fit are published together: one write lock, one head update and at most one wake-up of
   * the reader per batch, where send() pays each per record. Throws as send() does; a TIMEOUT
   * or PEER_GONE says how many of the records were sent before it (those stay published).
   */
  sendMany(records: readonly Uint8Array[], timeoutMs = Infinity): void {
    checkTimeout(timeoutMs);
    this.checkSendableMany(records);
    let i = 0;
    let deadline = NaN;
    while (i < records.length) {
      const r = this.tryPublishMany(records, i);
      if (r > 0) {
        i += r;
        continue;
      }
      if (Number.isNaN(deadline)) deadline = deadlineOf(timeoutMs);
      const left = leftMs(deadline);
      const partly = `; ${i} of the ${records.length} records were sent`;
      if (left <= 0) throw new TimeoutError(`${this.timeoutError(records[i]!.length, timeoutMs).message}${partly}`);
      try {
        if (r < 0) this.sleepOnLock(Math.min(left, this.peerCheckMs));
        else this.sleepForSpace(records[i]!.length, Math.min(left, this.peerCheckMs));
      } catch (e) {
        if (e instanceof PeerGoneError && i > 0) throw new PeerGoneError(`${e.message}${partly}`);
        throw e;
      }
    }
  }

  /** Publishes, in one batch, as many of `records` (from the first) as fit now; returns how many (0: full, or another writer holds the lock). */
  trySendMany(records: readonly Uint8Array[]): number {
    this.checkSendableMany(records);
    return records.length === 0 ? 0 : Math.max(0, this.tryPublishMany(records, 0));
  }

  private checkSendableMany(records: readonly Uint8Array[]): void {
    if (!Array.isArray(records)) throw new TwinmapError('INVALID_ARGUMENT', 'sendMany: records must be an array of Uint8Array');
    this.checkSendable(new Uint8Array(0));
    for (let i = 0; i < records.length; i++) {
      const d = records[i];
      if (!(d instanceof Uint8Array)) throw new TwinmapError('INVALID_ARGUMENT', `sendMany: records[${i}] must be a Uint8Array (or Buffer)`);
      if (d.length > this.maxMessageSize) {
        throw new TooLargeError(`channel ${JSON.stringify(this.name)}: records[${i}] of ${d.length} bytes can never fit; the largest is ${this.maxMessageSize} (capacity ${this.capacity} - 8); nothing was sent`);
      }
    }
  }

  /**
   * Like tryPublish for records[from..]: writes the frames that fit under one lock and publishes
   * them with one head store. Returns how many records were published, 0 if none fit, -1 if
   * another writer holds the lock.
   */
  private tryPublishMany(records: readonly Uint8Array[], from: number): number {
    const me = this.slot + 1;
    if (Atomics.compareExchange(this.hdr, L.I_LOCK, 0, me) !== 0) return -1;
    const start = this.hdr[L.I_HEAD]!; // plain read: see "Plain reads"
    let head = start;
    let n = 0;
    try {
      const cap = this.capacity;
      let used = (head - this.hdr[L.I_TAIL_CACHE]!) >>> 0;
      let fresh = false; // tail read from the reader's line during this batch
      if (used > cap) {
        used = (head - Atomics.load(this.hdr, L.I_TAIL)) >>> 0;
        fresh = true;
      }
      let free = cap - used;
      for (let i = from; i < records.length; i++) {
        const data = records[i]!;
        const size = L.frameSize(data.length);
        let off = head & this.mask;
        const rest = cap - off;
        const need = rest < size ? rest + size : size;
        if (free < need && !fresh) {
          const tail = Atomics.load(this.hdr, L.I_TAIL);
          Atomics.store(this.hdr, L.I_TAIL_CACHE, tail);
          free = cap - ((head - tail) >>> 0);
          fresh = true;
        }
        if (rest < size) {
          // A wrap frame first (published with the batch, as send() publishes it alone when
          // only the wrap fits: then the reader moves past it and the record fits later).
          if (free < rest) break;
          this.ringI32[off >> 2] = 0;
          this.ringI32[(off >> 2) + 1] = L.KIND_WRAP;
          head = (head + rest) | 0;
          free -= rest;
          off = 0;
        }
        if (free < size) break;
        this.ringI32[off >> 2] = data.length;
        this.ringI32[(off >> 2) + 1] = L.KIND_RECORD;
        this.ring.set(data, off + L.FRAME_HEADER);
        head = (head + size) | 0;
        free -= size;
        n++;
      }
      if (head !== start) {
        Atomics.store(this.hdr, L.I_HEAD, head); // the commit of the whole batch
        this.wakeReader();
      }
      return n;
    } finally {
      if ((Atomics.exchange(this.hdr, L.I_LOCK, 0) & L.LOCK_CONTENDED) !== 0) native.futexWake(this.buf, L.OFF_LOCK, 1);
    }
  }

  /** Like send(), but waits for room without blocking the event loop. */
  async sendAsync(data: Uint8Array, timeoutMs = Infinity, signal?: AbortSignal): Promise<void> {
    const deadline = deadlineOf(timeoutMs);
    this.checkSendable(data);
    for (;;) {
      signal?.throwIfAborted();
      const r = this.tryPublish(data);
      if (r === 'ok') return;
      const left = leftMs(deadline);
      if (left <= 0) throw this.timeoutError(data.length, timeoutMs);
      const slice = Math.min(left, this.peerCheckMs);
      if (r === 'locked') {
        const v = Atomics.load(this.hdr, L.I_LOCK);
        if (v !== 0) {
          this.markContended(v);
          await this.sleepAsync(L.OFF_LOCK, v | L.LOCK_CONTENDED, slice, signal);
          this.checkLockHolder();
        }
      } else {
        const seq = Atomics.load(this.hdr, L.I_SPACE_SEQ);
        Atomics.add(this.hdr, L.I_WRITERS_WAITING, 1);
        try {
          if (!this.hasRoom(data.length)) await this.sleepAsync(L.OFF_SPACE_SEQ, seq, slice, signal);
        } finally {
          if (!this.closed) Atomics.sub(this.hdr, L.I_WRITERS_WAITING, 1);
        }
        this.throwIfReaderGone();
      }
    }
  }

  private checkSendable(data: Uint8Array): void {
    this.ensureOpen();
    if (!(data instanceof Uint8Array)) throw new TwinmapError('INVALID_ARGUMENT', 'send: data must be a Uint8Array (or Buffer)');
    if (data.length > this.maxMessageSize) {
      throw new TooLargeError(`channel ${JSON.stringify(this.name)}: a record of ${data.length} bytes can never fit; the largest is ${this.maxMessageSize} (capacity ${this.capacity} - 8)`);
    }
    if (this.hdr[L.I_READER_STATE] === L.READER_DETACHED) {
      throw new PeerGoneError(`channel ${JSON.stringify(this.name)}: the reader has closed the channel; the record was not sent`);
    }
    if (this.slot < 0) this.claimSlot();
  }

  private timeoutError(size: number, timeoutMs: number): TimeoutError {
    return new TimeoutError(`channel ${JSON.stringify(this.name)}: no room for a ${size}-byte record within ${timeoutMs} ms (the reader is not keeping up); the record was not sent`);
  }

  /** Takes the write lock, writes the frame (and a wrap frame if needed), publishes head. */
  private tryPublish(data: Uint8Array): TryResult {
    const me = this.slot + 1;
    if (Atomics.compareExchange(this.hdr, L.I_LOCK, 0, me) !== 0) return 'locked';
    try {
      const cap = this.capacity;
      // Plain reads (see "Plain reads" at the top): only lock holders write head and tail_cache.
      let head = this.hdr[L.I_HEAD]!;
      const size = L.frameSize(data.length);
      let off = head & this.mask;
      const rest = cap - off;
      const need = rest < size ? rest + size : size;
      // Free space from tail_cache, on the writers' own cache line; the reader's tail (whose
      // line the reader writes per record) is read only when that looks short.
      let used = (head - this.hdr[L.I_TAIL_CACHE]!) >>> 0;
      if (used > cap || cap - used < need) {
        const tail = Atomics.load(this.hdr, L.I_TAIL);
        Atomics.store(this.hdr, L.I_TAIL_CACHE, tail);
        used = (head - tail) >>> 0;
      }
      let free = cap - used;
      if (rest < size) {
        // The frame does not fit before the end of the ring: publish a wrap frame first.
        if (free < rest) return 'full';
        this.ringI32[off >> 2] = 0;
        this.ringI32[(off >> 2) + 1] = L.KIND_WRAP;
        head = (head + rest) | 0;
        free -= rest;
        Atomics.store(this.hdr, L.I_HEAD, head);
        off = 0;
        this.wakeReader();
      }
      if (free < size) return 'full';
      this.ringI32[off >> 2] = data.length;
      this.ringI32[(off >> 2) + 1] = L.KIND_RECORD;
      this.ring.set(data, off + L.FRAME_HEADER);
      Atomics.store(this.hdr, L.I_HEAD, (head + size) | 0); // the commit
      this.wakeReader();
      return 'ok';
    } finally {
      if ((Atomics.exchange(this.hdr, L.I_LOCK, 0) & L.LOCK_CONTENDED) !== 0) native.futexWake(this.buf, L.OFF_LOCK, 1);
    }
  }

  private wakeReader(): void {
    if (Atomics.load(this.hdr, L.I_READER_WAITING) !== 0) {
      Atomics.store(this.hdr, L.I_READER_WAITING, 0);
      Atomics.add(this.hdr, L.I_DATA_SEQ, 1);
      native.futexWake(this.buf, L.OFF_DATA_SEQ, 1);
    }
  }

  private hasRoom(length: number): boolean {
    const head = Atomics.load(this.hdr, L.I_HEAD);
    const tail = Atomics.load(this.hdr, L.I_TAIL);
    const free = this.capacity - ((head - tail) >>> 0);
    const size = L.frameSize(length);
    const rest = this.capacity - (head & this.mask);
    return rest < size ? free >= rest : free >= size;
  }

  private markContended(v: number): void {
    if ((v & L.LOCK_CONTENDED) === 0) Atomics.compareExchange(this.hdr, L.I_LOCK, v, v | L.LOCK_CONTENDED);
  }

  private sleepOnLock(ms: number): void {
    const v = Atomics.load(this.hdr, L.I_LOCK);
    if (v === 0) return;
    this.markContended(v);
    native.futexWait(this.buf, L.OFF_LOCK, v | L.LOCK_CONTENDED, ms);
    this.checkLockHolder();
  }

  private sleepForSpace(length: number, ms: number): void {
    const seq = Atomics.load(this.hdr, L.I_SPACE_SEQ);
    Atomics.add(this.hdr, L.I_WRITERS_WAITING, 1);
    try {
      if (!this.hasRoom(length)) native.futexWait(this.buf, L.OFF_SPACE_SEQ, seq, ms);
    } finally {
      Atomics.sub(this.hdr, L.I_WRITERS_WAITING, 1);
    }
    this.throwIfReaderGone();
  }

  /** A lock held by a writer whose process died is released (its half-written frame is beyond head). */
  private checkLockHolder(): void {
    const v = Atomics.load(this.hdr, L.I_LOCK);
    if (v === 0) return;
    const slot = (v & ~L.LOCK_CONTENDED) - 1;
    if (slot < 0 || slot >= L.WRITER_SLOTS) {
      throw new BadHeaderError(`channel ${JSON.stringify(this.name)}: write_lock holds ${v >>> 0}, not a writer slot`);
    }
    if (!this.slotAlive(slot)) this.reapSlot(slot);
  }

  private throwIfReaderGone(): void {
    const gone = this.readerGone();
    if (gone !== undefined) {
      throw new PeerGoneError(`channel ${JSON.stringify(this.name)}: the reader (pid ${gone}) is gone; the record was not sent`);
    }
  }

  /** The pid of a reader that closed or died, or undefined while the reader lives (or none came yet). */
  private readerGone(): number | undefined {
    const state = Atomics.load(this.hdr, L.I_READER_STATE);
    if (state === L.READER_DETACHED) return 0;
    if (state !== L.READER_ATTACHED) return undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const pid = Atomics.load(this.hdr, L.I_READER_PID);
      const start = this.dv.getBigUint64(L.OFF_READER_START, true);
      if (pid === 0 || isAlive(pid, start)) return undefined;
      if (attempt === 0) continue; // re-read: a new reader may be mid-attach
      return pid;
    }
    return undefined;
  }

  // ---------------------------------------------------------------- writer slots

  private claimSlot(): void {
    const pid = process.pid;
    for (let round = 0; round < 2; round++) {
      for (let s = 0; s < L.WRITER_SLOTS; s++) {
        const i = slotPidIndex(s);
        const cur = Atomics.load(this.hdr, i);
        if (cur === 0 && Atomics.compareExchange(this.hdr, i, 0, pid) === 0) {
          this.dv.setBigUint64(slotStartOffset(s), selfStartTime(), true);
          this.slot = s;
          return;
        }
      }
      this.reapDeadWriters();
    }
    throw new TwinmapError('UNSUPPORTED', `channel ${JSON.stringify(this.name)}: all ${L.WRITER_SLOTS} writer slots are held by live writers`);
  }

  private slotAlive(slot: number): boolean {
    const pid = Atomics.load(this.hdr, slotPidIndex(slot));
    if (pid === 0) return false;
    if (pid === process.pid) return true;
    return isAlive(pid, this.dv.getBigUint64(slotStartOffset(slot), true));
  }

  /** Frees a dead writer's slot, releasing the write lock first if it held it. */
  private reapSlot(slot: number): { pid: number; heldLock: boolean } {
    const i = slotPidIndex(slot);
    const pid = Atomics.load(this.hdr, i);
    if (pid === 0) return { pid: 0, heldLock: false };
    const lock = Atomics.load(this.hdr, L.I_LOCK);
    let heldLock = false;
    if ((lock & ~L.LOCK_CONTENDED) === slot + 1 && Atomics.compareExchange(this.hdr, L.I_LOCK, lock, 0) === lock) {
      heldLock = true;
      native.futexWake(this.buf, L.OFF_LOCK, 0);
    }
    this.dv.setBigUint64(slotStartOffset(slot), 0n, true);
    return { pid: Atomics.compareExchange(this.hdr, i, pid, 0) === pid ? pid : 0, heldLock };
  }

  /**
   * After a sleep: reaps dead writers at most once per peerCheckMs. Reaping reads /proc for each
   * writer (tens of µs); doing it after every wake-up doubled a sleeping round trip.
   */
  private reapIfDue(): void {
    const now = performance.now();
    if (now - this.lastReap < this.peerCheckMs) return;
    this.lastReap = now;
    this.reapDeadWriters();
  }

  /** Frees the slots of writers whose process died; reports each as 'peerGone'. */
  private reapDeadWriters(): PeerGone[] {
    const gone: PeerGone[] = [];
    for (let s = 0; s < L.WRITER_SLOTS; s++) {
      if (s === this.slot) continue;
      const pid = Atomics.load(this.hdr, slotPidIndex(s));
      if (pid !== 0 && !this.slotAlive(s)) {
        const { pid: reaped, heldLock } = this.reapSlot(s);
        if (reaped !== 0) gone.push({ role: 'writer', pid: reaped, heldLock });
      }
    }
    for (const g of gone) this.emit('peerGone', g);
    return gone;
  }

  /**
   * Checks the other side now: frees the slots of writers that died (releasing the write lock if
   * one held it) and returns them, plus the reader if it closed or died.
   */
  checkPeers(): PeerGone[] {
    this.ensureOpen();
    const gone = this.reapDeadWriters();
    if (!this.reader) {
      const r = this.readerGone();
      if (r !== undefined) gone.push({ role: 'reader', pid: r });
    }
    return gone;
  }

  /** Live writer processes (pids) registered on this channel. */
  writers(): number[] {
    this.ensureOpen();
    const pids: number[] = [];
    for (let s = 0; s < L.WRITER_SLOTS; s++) {
      const pid = Atomics.load(this.hdr, slotPidIndex(s));
      if (pid !== 0 && this.slotAlive(s)) pids.push(pid);
    }
    return pids;
  }

  // ---------------------------------------------------------------- reading

  /**
   * Attaches this handle as the channel's reader without taking a record (receives attach on
   * their own). From then on writers see this process: if it dies or closes, a writer waiting for
   * room gets PEER_GONE at once instead of waiting out its timeout. ALREADY_EXISTS
   * (AlreadyExistsError) if another live process is the reader. Idempotent.
   */
  attach(): void {
    this.ensureOpen();
    if (!this.reader) this.attachReader();
  }

  private attachReader(): void {
    const pid = process.pid;
    const cur = Atomics.load(this.hdr, L.I_READER_PID);
    if (cur !== 0 && Atomics.load(this.hdr, L.I_READER_STATE) === L.READER_ATTACHED) {
      const start = this.dv.getBigUint64(L.OFF_READER_START, true);
      if (cur === pid || isAlive(cur, start)) {
        throw new AlreadyExistsError(`channel ${JSON.stringify(this.name)} already has a reader (pid ${cur}); a channel has one reader`);
      }
    }
    if (Atomics.compareExchange(this.hdr, L.I_READER_PID, cur, pid) !== cur) {
      throw new AlreadyExistsError(`channel ${JSON.stringify(this.name)}: another reader attached at the same moment`);
    }
    this.dv.setBigUint64(L.OFF_READER_START, selfStartTime(), true);
    Atomics.store(this.hdr, L.I_READER_STATE, L.READER_ATTACHED);
    this.tail = this.seenHead = Atomics.load(this.hdr, L.I_TAIL);
    this.reader = true;
  }

  /** Releases the record handed out as a view (if any): tail moves past it. */
  private releaseView(): void {
    if (this.pendingTail !== undefined) {
      this.advanceTail(this.pendingTail);
      this.pendingTail = undefined;
    }
  }

  private advanceTail(t: number): void {
    this.tail = t;
    Atomics.store(this.hdr, L.I_TAIL, t);
    // Wake sleeping writers only once half the ring is free (or it is empty): waking them for
    // every record would cost a syscall per record and a context switch per few.
    if (Atomics.load(this.hdr, L.I_WRITERS_WAITING) !== 0 && ((Atomics.load(this.hdr, L.I_HEAD) - t) >>> 0) <= this.capacity >>> 1) {
      Atomics.add(this.hdr, L.I_SPACE_SEQ, 1);
      native.futexWake(this.buf, L.OFF_SPACE_SEQ, 0);
    }
  }

  /**
   * The next record as [offset in ring, length], or undefined if the ring is empty. Skips wrap
   * frames. Everything read from the ring is checked: a frame that is not what a writer could
   * have written is BAD_HEADER.
   */
  private nextFrame(publish = true): number {
    for (;;) {
      // Head (on the writers' line) is re-read only when the records seen so far are taken.
      let head = this.seenHead;
      if (head === this.tail) head = this.seenHead = Atomics.load(this.hdr, L.I_HEAD);
      const avail = (head - this.tail) >>> 0;
      if (avail === 0) return -1;
      const off = this.tail & this.mask;
      if (avail > this.capacity || avail < L.FRAME_HEADER) this.corrupt(`head ${head >>> 0} and tail ${this.tail >>> 0} are ${avail} bytes apart`);
      const len = this.ringI32[off >> 2]! >>> 0;
      const kind = this.ringI32[(off >> 2) + 1]!;
      if (kind === L.KIND_WRAP) {
        const rest = this.capacity - off;
        if (avail < rest) this.corrupt(`wrap frame at ring offset ${off} needs ${rest} published bytes, only ${avail} are`);
        if (publish) this.advanceTail((this.tail + rest) | 0);
        else this.tail = (this.tail + rest) | 0; // receiveMany publishes tail once, at the end
        continue;
      }
      if (kind !== L.KIND_RECORD) this.corrupt(`frame at ring offset ${off} has kind ${kind}, expected 1 (record) or 2 (wrap)`);
      if (len > this.maxMessageSize) this.corrupt(`frame at ring offset ${off} claims ${len} bytes, more than the ring holds`);
      const size = L.frameSize(len);
      if (size > avail || off + size > this.capacity) this.corrupt(`frame at ring offset ${off} (${len} bytes) runs past the published data or the ring's end`);
      return off;
    }
  }

  private corrupt(detail: string): never {
    throw new BadHeaderError(`channel ${JSON.stringify(this.name)}: corrupt ring: ${detail}`);
  }

  /** Takes the next record if there is one: a copy, or a view into the ring. */
  private take(view: boolean): Uint8Array | undefined {
    this.ensureOpen();
    if (!this.reader) this.attachReader();
    this.releaseView();
    const off = this.nextFrame();
    if (off < 0) return undefined;
    const len = this.ringI32[off >> 2]! >>> 0;
    const start = off + L.FRAME_HEADER;
    const next = (this.tail + L.frameSize(len)) | 0;
    if (view) {
      this.pendingTail = next;
      // A new view on the buffer: 2-4x cheaper than ring.subarray (no species lookup).
      return new Uint8Array(this.buf, L.HEADER_SIZE + start, len);
    }
    const copy = this.ring.slice(start, start + len);
    this.advanceTail(next);
    return copy;
  }

  /** The next record (a copy) if one is waiting; never sleeps. */
  tryReceive(): Uint8Array | undefined {
    return this.take(false);
  }

  /** Waits up to `timeoutMs` (Infinity: no limit) for a record; returns a copy, or undefined on timeout. */
  receive(timeoutMs = Infinity): Uint8Array | undefined {
    return this.receiveSync(false, timeoutMs);
  }

  /**
   * Like receive(), but returns a view into the ring: no copy, valid until the next receive
   * or close (the writers cannot reuse its bytes until then).
   */
  receiveView(timeoutMs = Infinity): Uint8Array | undefined {
    return this.receiveSync(true, timeoutMs);
  }

  /**
   * Waits up to `timeoutMs` (Infinity: no limit) for a record, then takes up to `max` records
   * that are there (copies, in order) with one update of the shared tail. An empty array on
   * timeout.
   */
  receiveMany(max = 64, timeoutMs = Infinity): Uint8Array[] {
    if (!Number.isInteger(max) || max < 1) throw new TwinmapError('INVALID_ARGUMENT', `receiveMany: max must be an integer >= 1, got ${String(max)}`);
    checkTimeout(timeoutMs);
    this.ensureOpen();
    if (!this.reader) this.attachReader();
    this.releaseView();
    const out: Uint8Array[] = [];
    this.takeMany(out, max);
    if (out.length > 0) return out;
    const first = this.receiveSync(false, timeoutMs);
    if (first === undefined) return out;
    out.push(first);
    this.takeMany(out, max);
    return out;
  }

  /** Copies the records that are there into `out` (up to `max` in all), then publishes tail once. */
  private takeMany(out: Uint8Array[], max: number): void {
    const before = this.tail;
    try {
      while (out.length < max) {
        const off = this.nextFrame(false);
        if (off < 0) break;
        const len = this.ringI32[off >> 2]! >>> 0;
        out.push(this.ring.slice(off + L.FRAME_HEADER, off + L.FRAME_HEADER + len));
        this.tail = (this.tail + L.frameSize(len)) | 0;
      }
    } finally {
      if (this.tail !== before) this.advanceTail(this.tail);
    }
  }

  private receiveSync(view: boolean, timeoutMs: number): Uint8Array | undefined {
    checkTimeout(timeoutMs);
    // The common case of a busy channel: a record is there, no clock read.
    const r = this.take(view);
    if (r !== undefined || this.asyncDataWaits === 0) return r ?? this.receiveSlow(view, timeoutMs);
    // This handle also has an async receive asleep (e.g. a loop that catches what a polling
    // receive misses). While this thread polls, writers need not wake that waiter: a wake-up
    // costs the writer a syscall and this process a turn of the event loop, for a record the
    // poll takes anyway. So the waiter flag is down while we poll and up again after; records
    // left in the ring then are the async waiter's to deliver, so it is woken for them.
    Atomics.store(this.hdr, L.I_READER_WAITING, 0);
    try {
      return this.receiveSlow(view, timeoutMs, true);
    } finally {
      if (!this.closed && this.asyncDataWaits > 0) {
        Atomics.store(this.hdr, L.I_READER_WAITING, 1);
        if (Atomics.load(this.hdr, L.I_HEAD) !== this.tail) {
          Atomics.add(this.hdr, L.I_DATA_SEQ, 1);
          native.futexWake(this.buf, L.OFF_DATA_SEQ, 1);
        }
      }
    }
  }

  private receiveSlow(view: boolean, timeoutMs: number, quiet = false): Uint8Array | undefined {
    // A peer that answers at once (a round trip) does so within a few polls: no clock read yet.
    if (this.spinMs > 0 && this.spinSkip === 0) {
      for (let k = 0; k < 16; k++) {
        const r = this.take(view);
        if (r !== undefined) return r;
      }
    }
    const deadline = deadlineOf(timeoutMs);
    const budget = this.spinBudget();
    let spinUntil = budget > 0 ? performance.now() + budget : 0; // 0: no spin, no miss (see send)
    for (;;) {
      if (spinUntil > 0) {
        if (performance.now() < spinUntil) {
          // Several polls per clock read: performance.now() costs more than a poll.
          for (let k = 0; k < 8; k++) {
            const r = this.take(view);
            if (r !== undefined) {
              this.spun(true);
              return r;
            }
          }
          continue;
        }
        this.spun(false);
        spinUntil = 0;
      }
      const left = leftMs(deadline);
      if (quiet && left <= 0) return this.take(view); // a poll that ends here: the flag stays down (see receiveSync)
      const seq = Atomics.load(this.hdr, L.I_DATA_SEQ);
      Atomics.store(this.hdr, L.I_READER_WAITING, 1);
      if (Atomics.load(this.hdr, L.I_HEAD) === this.tail) {
        if (left <= 0) return undefined;
        native.futexWait(this.buf, L.OFF_DATA_SEQ, seq, Math.min(left, this.peerCheckMs));
        this.reapIfDue();
      }
      const r = this.take(view);
      if (r !== undefined) return r;
    }
  }

  /** Waits for a record without blocking the event loop; undefined on timeout. */
  async receiveAsync(timeoutMs = Infinity, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    const deadline = deadlineOf(timeoutMs);
    for (;;) {
      signal?.throwIfAborted();
      const r = this.take(false);
      if (r !== undefined) return r;
      // No spinning on the event loop: the waiter thread spins (spinMicros) before it sleeps.
      const seq = Atomics.load(this.hdr, L.I_DATA_SEQ);
      Atomics.store(this.hdr, L.I_READER_WAITING, 1);
      if (Atomics.load(this.hdr, L.I_HEAD) !== this.tail) continue;
      const left = leftMs(deadline);
      if (left <= 0) return undefined;
      await this.sleepAsync(L.OFF_DATA_SEQ, seq, Math.min(left, this.peerCheckMs), signal);
      if (!this.closed) this.reapIfDue();
    }
  }

  /** Receives records (copies) until the channel is closed. */
  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    while (!this.closed) {
      let r: Uint8Array | undefined;
      try {
        r = await this.receiveAsync();
      } catch (e) {
        if (e instanceof ClosedError) return;
        throw e;
      }
      if (r !== undefined) yield r;
    }
  }

  // 'message' listeners: a receive loop runs while there are any.
  private pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    void (async () => {
      try {
        while (!this.closed && this.listenerCount('message') > 0) {
          const r = await this.receiveAsync(this.peerCheckMs);
          if (r !== undefined) this.emit('message', r);
        }
      } catch (e) {
        if (!(e instanceof ClosedError)) this.emit('error', e);
      } finally {
        this.pumping = false;
      }
    })();
  }

  /** How long the next wait may spin (ms): 0 while recent spins kept missing. */
  private spinBudget(): number {
    if (this.spinMs === 0) return 0;
    if (this.spinSkip > 0) {
      this.spinSkip--;
      return 0;
    }
    return this.spinMs;
  }

  private spun(hit: boolean): void {
    if (hit) this.spinMisses = 0;
    else if (++this.spinMisses >= 3) {
      this.spinMisses = 0;
      this.spinSkip = 64;
    }
  }

  // One native waiter thread per word being waited on, reused between waits.
  private sleepAsync(offset: number, expected: number, ms: number, signal: AbortSignal | undefined): Promise<void> {
    this.ensureOpen();
    let idle = this.waiters.get(offset);
    if (idle === undefined) this.waiters.set(offset, (idle = []));
    const w = idle.pop() ?? new native.FutexWaiter(this.buf, offset);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => w.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.busyWaiters.add(w);
      const data = offset === L.OFF_DATA_SEQ;
      if (data) this.asyncDataWaits++;
      const spin = data ? this.spinBudget() : 0;
      w.wait(expected, ms, (result) => {
        if (data) this.asyncDataWaits--;
        if (spin > 0) this.spun(result === 'changed');
        signal?.removeEventListener('abort', onAbort);
        this.busyWaiters.delete(w);
        if (this.closed) {
          w.close();
          reject(new ClosedError(`channel ${JSON.stringify(this.name)}`));
          return;
        }
        idle.push(w);
        if (signal?.aborted) reject(signal.reason);
        else if (result === 'fault') reject(new TwinmapError('OS', `channel ${JSON.stringify(this.name)}: futex wait failed`));
        else resolve();
      }, spin * 1000);
    });
  }

  // ---------------------------------------------------------------- closing

  /**
   * Closes this handle: a reader detaches (writers waiting for room get PEER_GONE), a writer
   * frees its slot; pending async waits reject with CLOSED. Idempotent.
   */
  close(): void {
    const region = this.region;
    if (region === undefined) return;
    if (this.reader) {
      this.releaseView();
      this.dv.setBigUint64(L.OFF_READER_START, 0n, true);
      Atomics.store(this.hdr, L.I_READER_STATE, L.READER_DETACHED);
      Atomics.compareExchange(this.hdr, L.I_READER_PID, process.pid, 0);
      Atomics.add(this.hdr, L.I_SPACE_SEQ, 1);
      native.futexWake(this.buf, L.OFF_SPACE_SEQ, 0);
    }
    if (this.slot >= 0) {
      this.dv.setBigUint64(slotStartOffset(this.slot), 0n, true);
      Atomics.compareExchange(this.hdr, slotPidIndex(this.slot), process.pid, 0);
      this.slot = -1;
    }
    this.region = undefined;
    for (const list of this.waiters.values()) for (const w of list.splice(0)) w.close();
    for (const w of this.busyWaiters) w.cancel();
    const unmapWhenIdle = () => {
      if (this.busyWaiters.size === 0) region.map.close();
      else setTimeout(unmapWhenIdle, 1);
    };
    unmapWhenIdle();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** Validates a channel header read from shared memory. */
function checkHeader(name: string, b: ArrayBuffer, fileSize: number): void {
  const dv = new DataView(b);
  const what = `channel ${JSON.stringify(name)}`;
  const version = dv.getUint16(L.OFF_VERSION, true);
  if (version !== L.CHANNEL_VERSION) throw new BadHeaderError(`${what}: version ${version} at offset ${L.OFF_VERSION}, this library speaks ${L.CHANNEL_VERSION}`);
  const headerSize = dv.getUint16(L.OFF_HEADER_SIZE, true);
  if (headerSize !== L.HEADER_SIZE) throw new BadHeaderError(`${what}: header_size ${headerSize} at offset ${L.OFF_HEADER_SIZE}, expected ${L.HEADER_SIZE}`);
  if (fileSize < L.HEADER_SIZE) throw new BadHeaderError(`${what}: the file is ${fileSize} bytes, smaller than the header`);
  const cap = dv.getUint32(L.OFF_CAPACITY, true);
  if (cap < L.MIN_CAPACITY || cap > L.MAX_CAPACITY || (cap & (cap - 1)) !== 0) {
    throw new BadHeaderError(`${what}: capacity ${cap} at offset ${L.OFF_CAPACITY} is not a power of two from ${L.MIN_CAPACITY} to ${L.MAX_CAPACITY}`);
  }
  if (fileSize !== L.HEADER_SIZE + cap) throw new BadHeaderError(`${what}: the file is ${fileSize} bytes, but header + capacity is ${L.HEADER_SIZE + cap}`);
  const head = dv.getUint32(L.OFF_HEAD, true);
  const tail = dv.getUint32(L.OFF_TAIL, true);
  if (((head - tail) >>> 0) > cap || (head & 7) !== 0 || (tail & 7) !== 0) {
    throw new BadHeaderError(`${what}: head ${head} and tail ${tail} (offsets ${L.OFF_HEAD}, ${L.OFF_TAIL}) are not valid positions for capacity ${cap}`);
  }
  const state = dv.getUint32(L.OFF_READER_STATE, true);
  if (state > L.READER_DETACHED) throw new BadHeaderError(`${what}: reader_state ${state} at offset ${L.OFF_READER_STATE} is not 0, 1 or 2`);
  const lock = dv.getUint32(L.OFF_LOCK, true) & ~L.LOCK_CONTENDED;
  if (lock > L.WRITER_SLOTS) throw new BadHeaderError(`${what}: write_lock ${lock} at offset ${L.OFF_LOCK} is not a writer slot`);
}
