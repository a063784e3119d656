// The writers' side: a record (or a batch) is framed into the ring under the write lock and
// published with one store of head; a reader asleep on data_seq is woken. The .NET twin is
// dotnet/Twinmap/Channel.Send.cs. Why head and tail_cache are read without Atomics: "Plain
// reads" in channel.ts.
import { PeerGoneError, TimeoutError, TooLargeError, TwinmapError } from '../errors.js';
import * as L from './layout.js';
import { claimSlot, checkLockHolder, throwIfReaderGone } from './peers.js';
import type { ChannelState } from './state.js';
import { checkTimeout, deadlineOf, hasRoom, leftMs, markContended, sleepAsync, sleepForSpace, sleepOnLock, spinThenSleep, type Wait } from './waiting.js';

type TryResult = 'ok' | 'locked' | 'full';

const EMPTY = new Uint8Array(0);
const NONE: readonly Uint8Array[] = [];
/** Stands for trySendWords' 16-byte head in tryPublish (its bytes are the writer's w0..w3). */
const WORDS = new Uint8Array(16);

/**
 * The writers' side of one channel handle. Its hot path is methods on one class, not module
 * functions: V8 binds a method found through the object's (stable) map at compile time, while a
 * call to a module-level function re-loads and checks the binding at each call site
 * (docs/benchmarks/2026-12-07-channel-hot-path.md).
 */
export class ChannelWriter {
  /** The waits of send and sendMany, one each per handle (a sync wait is never re-entered). */
  private readonly oneWait: SendWait;
  private readonly manyWait: SendManyWait;

  constructor(private readonly s: ChannelState) {
    this.oneWait = new SendWait(s, this);
    this.manyWait = new SendManyWait(s, this);
  }

  /** Channel.send. */
  send(data: Uint8Array, timeoutMs: number): void {
    checkTimeout(timeoutMs);
    this.checkSendable(data);
    // The common case publishes at once: no clock read (performance.now() was 14 % of a send).
    const r = this.tryPublish(data);
    if (r !== 'ok') this.sendSlow(data, timeoutMs, r);
  }

  private sendSlow(data: Uint8Array, timeoutMs: number, r: TryResult): void {
    const w = this.oneWait;
    w.data = data;
    w.last = r;
    try {
      if (spinThenSleep(this.s, w, deadlineOf(timeoutMs), 1) === undefined) throw this.timeoutError(data.length, timeoutMs);
    } finally {
      w.data = EMPTY;
    }
  }

  /** Channel.trySend. */
  trySend(data: Uint8Array): boolean {
    this.checkSendable(data);
    return this.tryPublish(data) === 'ok';
  }

  /**
   * Channel.trySendParts: one record of `head` then `body`, written into the ring as two copies,
   * so a caller that prefixes a header (the IPC layer) allocates no frame per record.
   */
  trySendParts(head: Uint8Array, body: Uint8Array): boolean {
    if (!(body instanceof Uint8Array)) throw new TwinmapError('INVALID_ARGUMENT', 'send: data must be a Uint8Array (or Buffer)');
    this.checkSendable(head, body.length);
    return this.tryPublish(head, body) === 'ok';
  }

  /** The head of trySendWords' record: four 32-bit words, written with four stores. */
  private w0 = 0;
  private w1 = 0;
  private w2 = 0;
  private w3 = 0;

  /**
   * Channel.trySendWords: one record of a 16-byte head given as four 32-bit words (little-endian
   * in the ring, as the frame header's words) then `body`. Like trySendParts with no head array:
   * four stores instead of a copy call.
   */
  trySendWords(w0: number, w1: number, w2: number, w3: number, body: Uint8Array): boolean {
    if (!(body instanceof Uint8Array)) throw new TwinmapError('INVALID_ARGUMENT', 'send: data must be a Uint8Array (or Buffer)');
    this.checkSendable(WORDS, body.length);
    this.w0 = w0;
    this.w1 = w1;
    this.w2 = w2;
    this.w3 = w3;
    return this.tryPublish(WORDS, body) === 'ok';
  }

  /** Channel.sendMany. */
  sendMany(records: readonly Uint8Array[], timeoutMs: number): void {
    checkTimeout(timeoutMs);
    this.checkSendableMany(records);
    const w = this.manyWait;
    w.records = records;
    w.next = 0;
    let deadline = NaN;
    try {
      while (w.next < records.length) {
        if (w.poll() !== undefined) continue;
        // A stall: spin, then sleep, until some records fit (each stall spins again: a reader
        // that keeps up frees room within microseconds, a sleeping writer is woken only once
        // half the ring is free).
        if (Number.isNaN(deadline)) deadline = deadlineOf(timeoutMs);
        if (spinThenSleep(this.s, w, deadline, 1) === undefined) {
          throw new TimeoutError(`${this.timeoutError(records[w.next]!.length, timeoutMs).message}${w.partly()}`);
        }
      }
    } catch (e) {
      if (e instanceof PeerGoneError && w.next > 0) throw new PeerGoneError(`${e.message}${w.partly()}`);
      throw e;
    } finally {
      w.records = NONE;
    }
  }

  /** Channel.trySendMany. */
  trySendMany(records: readonly Uint8Array[]): number {
    this.checkSendableMany(records);
    return records.length === 0 ? 0 : Math.max(0, this.tryPublishMany(records, 0));
  }

  private checkSendableMany(records: readonly Uint8Array[]): void {
    const s = this.s;
    if (!Array.isArray(records)) throw new TwinmapError('INVALID_ARGUMENT', 'sendMany: records must be an array of Uint8Array');
    this.checkSendable(new Uint8Array(0));
    for (let i = 0; i < records.length; i++) {
      const d = records[i];
      if (!(d instanceof Uint8Array)) throw new TwinmapError('INVALID_ARGUMENT', `sendMany: records[${i}] must be a Uint8Array (or Buffer)`);
      if (d.length > s.maxMessageSize) {
        throw new TooLargeError(`channel ${JSON.stringify(s.name)}: records[${i}] of ${d.length} bytes can never fit; the largest is ${s.maxMessageSize} (capacity ${s.capacity} - 8); nothing was sent`);
      }
    }
  }

  /**
   * Like tryPublish for records[from..]: writes the frames that fit under one lock and publishes
   * them with one head store. Returns how many records were published, 0 if none fit, -1 if
   * another writer holds the lock.
   */
  tryPublishMany(records: readonly Uint8Array[], from: number): number {
    const s = this.s;
    const me = s.slot + 1;
    if (Atomics.compareExchange(s.hdr, L.I_LOCK, 0, me) !== 0) return -1;
    const start = s.hdr[L.I_HEAD]!; // plain read: see "Plain reads"
    let head = start;
    let n = 0;
    try {
      const cap = s.capacity;
      let used = (head - s.hdr[L.I_TAIL_CACHE]!) >>> 0;
      let fresh = false; // tail read from the reader's line during this batch
      if (used > cap) {
        used = (head - Atomics.load(s.hdr, L.I_TAIL)) >>> 0;
        fresh = true;
      }
      let free = cap - used;
      for (let i = from; i < records.length; i++) {
        const data = records[i]!;
        const size = L.frameSize(data.length);
        let off = head & s.mask;
        const rest = cap - off;
        const need = rest < size ? rest + size : size;
        if (free < need && !fresh) {
          const tail = Atomics.load(s.hdr, L.I_TAIL);
          Atomics.store(s.hdr, L.I_TAIL_CACHE, tail);
          free = cap - ((head - tail) >>> 0);
          fresh = true;
        }
        if (rest < size) {
          // A wrap frame first (published with the batch, as send() publishes it alone when
          // only the wrap fits: then the reader moves past it and the record fits later).
          if (free < rest) break;
          s.ringI32[off >> 2] = 0;
          s.ringI32[(off >> 2) + L.I_FRAME_KIND] = L.KIND_WRAP;
          head = (head + rest) | 0;
          free -= rest;
          off = 0;
        }
        if (free < size) break;
        s.ringI32[off >> 2] = data.length;
        s.ringI32[(off >> 2) + L.I_FRAME_KIND] = L.KIND_RECORD;
        s.ring.set(data, off + L.FRAME_HEADER);
        head = (head + size) | 0;
        free -= size;
        n++;
      }
      if (head !== start) {
        Atomics.store(s.hdr, L.I_HEAD, head); // the commit of the whole batch
        this.wakeReader();
      }
      return n;
    } finally {
      if ((Atomics.exchange(s.hdr, L.I_LOCK, 0) & L.LOCK_CONTENDED) !== 0) s.futex.wake(L.OFF_LOCK, 1);
    }
  }

  /** Channel.sendAsync. */
  async sendAsync(data: Uint8Array, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    const s = this.s;
    const deadline = deadlineOf(timeoutMs);
    this.checkSendable(data);
    for (;;) {
      signal?.throwIfAborted();
      const r = this.tryPublish(data);
      if (r === 'ok') return;
      const left = leftMs(deadline);
      if (left <= 0) throw this.timeoutError(data.length, timeoutMs);
      const slice = Math.min(left, s.peerCheckMs);
      if (r === 'locked') {
        const v = Atomics.load(s.hdr, L.I_LOCK);
        if (v !== 0) {
          markContended(s, v);
          await sleepAsync(s, L.OFF_LOCK, v | L.LOCK_CONTENDED, slice, signal);
          checkLockHolder(s);
        }
      } else {
        const seq = Atomics.load(s.hdr, L.I_SPACE_SEQ);
        Atomics.add(s.hdr, L.I_WRITERS_WAITING, 1);
        try {
          if (!hasRoom(s, data.length)) await sleepAsync(s, L.OFF_SPACE_SEQ, seq, slice, signal);
        } finally {
          if (!s.closed) Atomics.sub(s.hdr, L.I_WRITERS_WAITING, 1);
        }
        throwIfReaderGone(s);
      }
    }
  }

  private checkSendable(data: Uint8Array, more = 0): void {
    const s = this.s;
    s.ensureOpen();
    if (!(data instanceof Uint8Array)) throw new TwinmapError('INVALID_ARGUMENT', 'send: data must be a Uint8Array (or Buffer)');
    if (data.length + more > s.maxMessageSize) {
      throw new TooLargeError(`channel ${JSON.stringify(s.name)}: a record of ${data.length + more} bytes can never fit; the largest is ${s.maxMessageSize} (capacity ${s.capacity} - 8)`);
    }
    if (s.hdr[L.I_READER_STATE] === L.READER_DETACHED) {
      throw new PeerGoneError(`channel ${JSON.stringify(s.name)}: the reader has closed the channel; the record was not sent`);
    }
    if (s.slot < 0) claimSlot(s);
  }

  private timeoutError(size: number, timeoutMs: number): TimeoutError {
    const s = this.s;
    return new TimeoutError(`channel ${JSON.stringify(s.name)}: no room for a ${size}-byte record within ${timeoutMs} ms (the reader is not keeping up); the record was not sent`);
  }

  /** Takes the write lock, writes the frame (and a wrap frame if needed), publishes head. The record is `data`, then `body` if given. */
  tryPublish(data: Uint8Array, body?: Uint8Array): TryResult {
    const s = this.s;
    const me = s.slot + 1;
    if (Atomics.compareExchange(s.hdr, L.I_LOCK, 0, me) !== 0) return 'locked';
    try {
      const cap = s.capacity;
      // Plain reads (see "Plain reads" in channel.ts): only lock holders write head and tail_cache.
      let head = s.hdr[L.I_HEAD]!;
      const len = body === undefined ? data.length : data.length + body.length;
      const size = L.frameSize(len);
      let off = head & s.mask;
      const rest = cap - off;
      const need = rest < size ? rest + size : size;
      // Free space from tail_cache, on the writers' own cache line; the reader's tail (whose
      // line the reader writes per record) is read only when that looks short.
      let used = (head - s.hdr[L.I_TAIL_CACHE]!) >>> 0;
      if (used > cap || cap - used < need) {
        const tail = Atomics.load(s.hdr, L.I_TAIL);
        Atomics.store(s.hdr, L.I_TAIL_CACHE, tail);
        used = (head - tail) >>> 0;
      }
      let free = cap - used;
      if (rest < size) {
        // The frame does not fit before the end of the ring: publish a wrap frame first.
        if (free < rest) return 'full';
        s.ringI32[off >> 2] = 0;
        s.ringI32[(off >> 2) + L.I_FRAME_KIND] = L.KIND_WRAP;
        head = (head + rest) | 0;
        free -= rest;
        Atomics.store(s.hdr, L.I_HEAD, head);
        off = 0;
        this.wakeReader();
      }
      if (free < size) return 'full';
      s.ringI32[off >> 2] = len;
      s.ringI32[(off >> 2) + L.I_FRAME_KIND] = L.KIND_RECORD;
      if (data === WORDS) {
        // Frames start 8-aligned and their header is 8 bytes: the head's words are aligned.
        const i = (off + L.FRAME_HEADER) >> 2;
        s.ringI32[i] = this.w0;
        s.ringI32[i + 1] = this.w1;
        s.ringI32[i + 2] = this.w2;
        s.ringI32[i + 3] = this.w3;
      } else s.ring.set(data, off + L.FRAME_HEADER);
      if (body !== undefined) s.ring.set(body, off + L.FRAME_HEADER + data.length);
      Atomics.store(s.hdr, L.I_HEAD, (head + size) | 0); // the commit
      this.wakeReader();
      return 'ok';
    } finally {
      if ((Atomics.exchange(s.hdr, L.I_LOCK, 0) & L.LOCK_CONTENDED) !== 0) s.futex.wake(L.OFF_LOCK, 1);
    }
  }

  private wakeReader(): void {
    const s = this.s;
    if (Atomics.load(s.hdr, L.I_READER_WAITING) !== 0) {
      Atomics.store(s.hdr, L.I_READER_WAITING, 0);
      Atomics.add(s.hdr, L.I_DATA_SEQ, 1);
      s.futex.wake(L.OFF_DATA_SEQ, 1);
    }
  }
}

/** send's wait: publish `data`; sleep on the lock or for room, as the last attempt found. */
class SendWait implements Wait<true> {
  data: Uint8Array = EMPTY;
  last: TryResult = 'ok';

  constructor(
    private readonly s: ChannelState,
    private readonly w: ChannelWriter,
  ) {}

  poll(): true | undefined {
    const r = this.w.tryPublish(this.data);
    if (r === 'ok') return true;
    this.last = r;
    return undefined;
  }

  sleep(ms: number): void {
    if (this.last === 'locked') sleepOnLock(this.s, ms);
    else sleepForSpace(this.s, this.data.length, ms);
  }
}

/** sendMany's wait: publish what fits of records[next..]; a poll succeeds when some did. */
class SendManyWait implements Wait<true> {
  records: readonly Uint8Array[] = NONE;
  next = 0;
  private last = 0;

  constructor(
    private readonly s: ChannelState,
    private readonly w: ChannelWriter,
  ) {}

  poll(): true | undefined {
    const r = this.w.tryPublishMany(this.records, this.next);
    if (r > 0) {
      this.next += r;
      return true;
    }
    this.last = r;
    return undefined;
  }

  sleep(ms: number): void {
    if (this.last < 0) sleepOnLock(this.s, ms);
    else sleepForSpace(this.s, this.records[this.next]!.length, ms);
  }

  partly(): string {
    return `; ${this.next} of the ${this.records.length} records were sent`;
  }
}
