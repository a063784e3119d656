// The reader's side: attach as the one reader, take records (copies or views into the ring),
// move tail past them and wake writers waiting for room; sync, async and 'message' receive
// loops. Everything read from the ring is checked: a frame no writer could have written is
// BAD_HEADER. The .NET twin is dotnet/Twinmap/Channel.Receive.cs.
import { AlreadyExistsError, BadHeaderError, ClosedError, TwinmapError } from '../errors.js';
import { isAlive, selfStartTime } from '../liveness/liveness.js';
import * as L from './layout.js';
import { reapIfDue } from './peers.js';
import type { ChannelState } from './state.js';
import { checkTimeout, deadlineOf, leftMs, sleepAsync, spinThenSleep, type Wait } from './waiting.js';

/** What a take hands out: a copy, a view into the ring, or (IN_PLACE) where the record lies. */
export type TakeMode = 0 | 1 | 2;
export const COPY: TakeMode = 0;
export const VIEW: TakeMode = 1;
/** The record stays in the ring as for a view, but no view is made: see ChannelReader.placed. */
export const IN_PLACE: TakeMode = 2;
/** What take(IN_PLACE) returns for a record (its place is in `placed` / `placedLength`). */
const PLACED = new Uint8Array(0);

/**
 * The reader's side of one channel handle; a class for the reason ChannelWriter (send.ts) is:
 * V8 binds its methods at compile time, where module functions cost a check per call.
 */
export class ChannelReader {
  /**
   * The payload length of the frame nextFrame returned, as checked: callers use it and never
   * re-read the length from the ring, where a writer could change it after the check.
   */
  private frameLen = 0;

  /** The byte offset in the channel's buffer of the record take(IN_PLACE) took last, and its length. */
  placed = 0;
  placedLength = 0;

  /** The waits of a sync receive (copy, view or in place), one each per handle. */
  private readonly copyWait: ReceiveWait;
  private readonly viewWait: ReceiveWait;
  private readonly placeWait: ReceiveWait;

  constructor(private readonly s: ChannelState) {
    this.copyWait = new ReceiveWait(this, COPY);
    this.viewWait = new ReceiveWait(this, VIEW);
    this.placeWait = new ReceiveWait(this, IN_PLACE);
  }

  /** Channel.attach. */
  attach(): void {
    const s = this.s;
    s.ensureOpen();
    if (!s.reader) this.attachReader();
  }

  private attachReader(): void {
    const s = this.s;
    const pid = process.pid;
    const cur = Atomics.load(s.hdr, L.I_READER_PID);
    if (cur !== 0 && Atomics.load(s.hdr, L.I_READER_STATE) === L.READER_ATTACHED) {
      const start = s.dv.getBigUint64(L.OFF_READER_START, true);
      if (cur === pid || isAlive(cur, start)) {
        throw new AlreadyExistsError(`channel ${JSON.stringify(s.name)} already has a reader (pid ${cur}); a channel has one reader`);
      }
    }
    if (Atomics.compareExchange(s.hdr, L.I_READER_PID, cur, pid) !== cur) {
      throw new AlreadyExistsError(`channel ${JSON.stringify(s.name)}: another reader attached at the same moment`);
    }
    s.dv.setBigUint64(L.OFF_READER_START, selfStartTime(), true);
    Atomics.store(s.hdr, L.I_READER_STATE, L.READER_ATTACHED);
    s.tail = s.seenHead = s.publishedTail = Atomics.load(s.hdr, L.I_TAIL);
    s.reader = true;
  }

  /** On close: a reader releases its view and detaches; writers waiting for room wake to PEER_GONE. */
  detachReader(): void {
    const s = this.s;
    if (!s.reader) return;
    this.releaseView();
    this.flushTail();
    s.dv.setBigUint64(L.OFF_READER_START, 0n, true);
    Atomics.store(s.hdr, L.I_READER_STATE, L.READER_DETACHED);
    Atomics.compareExchange(s.hdr, L.I_READER_PID, process.pid, 0);
    Atomics.add(s.hdr, L.I_SPACE_SEQ, 1);
    s.futex.wake(L.OFF_SPACE_SEQ, 0);
  }

  /** Releases the record handed out as a view (if any): tail moves past it (Channel.releaseView). */
  releaseView(): void {
    const s = this.s;
    if (s.pendingTail !== undefined) {
      this.advanceTail(s.pendingTail);
      s.pendingTail = undefined;
    }
  }

  /**
   * Moves the reader past what it took. The shared tail is stored only once it lags by
   * tailBatch bytes (and by flushTail): a store of tail and the load of writers_waiting after it
   * are two Atomics calls (~240 instructions) a record would otherwise pay. Writers see less
   * room meanwhile, never more; docs/protocol/channel.md, "The reader", says when the rest goes.
   */
  private advanceTail(t: number): void {
    const s = this.s;
    s.tail = t;
    if (((t - s.publishedTail) >>> 0) >= s.tailBatch) this.publishTail(t);
  }

  /** Stores the shared tail if this reader has taken bytes since it last did: before a sleep, when a receive finds nothing, on close. */
  flushTail(): void {
    const s = this.s;
    if (s.reader && s.tail !== s.publishedTail) this.publishTail(s.tail);
  }

  private publishTail(t: number): void {
    const s = this.s;
    s.publishedTail = t;
    Atomics.store(s.hdr, L.I_TAIL, t);
    // Wake sleeping writers only once half the ring is free (or it is empty): waking them for
    // every record would cost a syscall per record and a context switch per few.
    if (Atomics.load(s.hdr, L.I_WRITERS_WAITING) !== 0 && ((Atomics.load(s.hdr, L.I_HEAD) - t) >>> 0) <= s.capacity >>> 1) {
      Atomics.add(s.hdr, L.I_SPACE_SEQ, 1);
      s.futex.wake(L.OFF_SPACE_SEQ, 0);
    }
  }

  /**
   * The ring offset of the next record, or -1 if the ring is empty. Skips wrap frames.
   * Everything read from the ring is checked: a frame that is not what a writer could have
   * written is BAD_HEADER.
   */
  private nextFrame(publish = true): number {
    const s = this.s;
    for (;;) {
      // Head (on the writers' line) is re-read only when the records seen so far are taken.
      let head = s.seenHead;
      if (head === s.tail) head = s.seenHead = Atomics.load(s.hdr, L.I_HEAD);
      const avail = (head - s.tail) >>> 0;
      if (avail === 0) return -1;
      const off = s.tail & s.mask;
      if (avail > s.capacity || avail < L.FRAME_HEADER) this.corrupt('span', head, avail);
      const len = s.ringI32[off >> 2]! >>> 0;
      const kind = s.ringI32[(off >> 2) + L.I_FRAME_KIND]!;
      if (kind === L.KIND_WRAP) {
        const rest = s.capacity - off;
        if (avail < rest) this.corrupt('wrap', off, avail);
        if (publish) this.advanceTail((s.tail + rest) | 0);
        else s.tail = (s.tail + rest) | 0; // receiveMany publishes tail once, at the end
        continue;
      }
      if (kind !== L.KIND_RECORD) this.corrupt('kind', off, kind);
      if (len > s.maxMessageSize) this.corrupt('length', off, len);
      const size = L.frameSize(len);
      if (size > avail || off + size > s.capacity) this.corrupt('bounds', off, len);
      this.frameLen = len;
      return off;
    }
  }

  /**
   * BAD_HEADER for a frame that fails a check of nextFrame. The message is built here, from
   * numbers: template strings in nextFrame itself made V8 convert `off` to a string on every
   * call (the conversions of all five messages were merged and placed before the first branch).
   */
  private corrupt(problem: 'span' | 'wrap' | 'kind' | 'length' | 'bounds', at: number, value: number): never {
    const s = this.s;
    const frame = `frame at ring offset ${at}`;
    const detail =
      problem === 'span' ? `head ${at >>> 0} and tail ${s.tail >>> 0} are ${value} bytes apart`
      : problem === 'wrap' ? `wrap ${frame} needs ${s.capacity - at} published bytes, only ${value} are`
      : problem === 'kind' ? `${frame} has kind ${value}, expected 1 (record) or 2 (wrap)`
      : problem === 'length' ? `${frame} claims ${value} bytes, more than the ring holds`
      : `${frame} (${value} bytes) runs past the published data or the ring's end`;
    throw new BadHeaderError(`channel ${JSON.stringify(s.name)}: corrupt ring: ${detail}`);
  }

  /**
   * Takes the next record if there is one: a copy, a view into the ring, or (IN_PLACE) the
   * PLACED marker with the record's place in `placed` and `placedLength`, held as a view is.
   */
  take(mode: TakeMode): Uint8Array | undefined {
    const s = this.s;
    s.ensureOpen();
    if (!s.reader) this.attachReader();
    this.releaseView();
    const off = this.nextFrame();
    if (off < 0) return undefined;
    const len = this.frameLen;
    const start = off + L.FRAME_HEADER;
    const next = (s.tail + L.frameSize(len)) | 0;
    if (mode !== COPY) {
      s.pendingTail = next;
      if (mode === IN_PLACE) {
        this.placed = L.HEADER_SIZE + start;
        this.placedLength = len;
        return PLACED;
      }
      // A new view on the buffer: 2-4x cheaper than ring.subarray (no species lookup).
      return new Uint8Array(s.buf, L.HEADER_SIZE + start, len);
    }
    const copy = s.ring.slice(start, start + len);
    this.advanceTail(next);
    return copy;
  }

  /** Channel.tryReceive. */
  tryReceive(): Uint8Array | undefined {
    const r = this.take(COPY);
    if (r === undefined) this.flushTail();
    return r;
  }

  /** Channel.receiveMany. */
  receiveMany(max: number, timeoutMs: number): Uint8Array[] {
    const s = this.s;
    if (!Number.isInteger(max) || max < 1) throw new TwinmapError('INVALID_ARGUMENT', `receiveMany: max must be an integer >= 1, got ${String(max)}`);
    checkTimeout(timeoutMs);
    s.ensureOpen();
    if (!s.reader) this.attachReader();
    this.releaseView();
    const out: Uint8Array[] = [];
    this.takeMany(out, max);
    if (out.length > 0) return out;
    const first = this.receiveSync(COPY, timeoutMs);
    if (first === undefined) return out;
    out.push(first);
    this.takeMany(out, max);
    return out;
  }

  /** Channel.receiveViews: like receiveMany, views into the ring; tail moves past them all at the next receive. */
  receiveViews(max: number, timeoutMs: number): Uint8Array[] {
    const s = this.s;
    if (!Number.isInteger(max) || max < 1) throw new TwinmapError('INVALID_ARGUMENT', `receiveViews: max must be an integer >= 1, got ${String(max)}`);
    checkTimeout(timeoutMs);
    s.ensureOpen();
    if (!s.reader) this.attachReader();
    this.releaseView();
    const out: Uint8Array[] = [];
    const before = s.tail;
    try {
      this.takeBatch(out, max, true);
      if (out.length === 0) {
        if (s.tail !== before) this.advanceTail(s.tail); // wrap frames skipped: their room goes back now
        const first = this.receiveSync(VIEW, timeoutMs);
        if (first === undefined) return out;
        out.push(first);
        s.tail = s.pendingTail!;
        s.pendingTail = undefined;
        this.takeBatch(out, max, true);
      }
    } catch (e) {
      // A corrupt frame after some records: they are taken (as receiveMany's are).
      this.advanceTail(s.tail);
      throw e;
    }
    s.pendingTail = s.tail; // published at the next receive, as for a view
    return out;
  }

  /**
   * The records that are there into `out` (up to `max` in all), as views into the ring or as
   * copies, moving only this handle's tail (the callers publish it).
   */
  private takeBatch(out: Uint8Array[], max: number, view: boolean): void {
    const s = this.s;
    while (out.length < max) {
      const off = this.nextFrame(false);
      if (off < 0) break;
      const len = this.frameLen;
      const start = off + L.FRAME_HEADER;
      out.push(view ? new Uint8Array(s.buf, L.HEADER_SIZE + start, len) : s.ring.slice(start, start + len));
      s.tail = (s.tail + L.frameSize(len)) | 0;
    }
  }

  /** Copies the records that are there into `out` (up to `max` in all), then publishes tail once. */
  private takeMany(out: Uint8Array[], max: number): void {
    const s = this.s;
    const before = s.tail;
    try {
      this.takeBatch(out, max, false);
    } finally {
      if (s.tail !== before) this.advanceTail(s.tail);
    }
  }

  /** Channel.receive (COPY), Channel.receiveView (VIEW) and Channel.pollInPlace (IN_PLACE). */
  receiveSync(mode: TakeMode, timeoutMs: number): Uint8Array | undefined {
    const s = this.s;
    checkTimeout(timeoutMs);
    // The common case of a busy channel: a record is there, no clock read.
    const r = this.take(mode);
    if (r !== undefined || s.asyncDataWaits === 0) return r ?? this.receiveSlow(mode, timeoutMs);
    // This handle also has an async receive asleep (e.g. a loop that catches what a polling
    // receive misses). While this thread polls, writers need not wake that waiter: a wake-up
    // costs the writer a syscall and this process a turn of the event loop, for a record the
    // poll takes anyway. So the waiter flag goes down for the poll, and stays down until the
    // event loop next reaches its check phase (setImmediate): back-to-back polls (a burst of
    // requests answered at once) then pay no Atomics for it, and a writer never finds it up
    // between them. The async waiter can only deliver through the event loop anyway, so records
    // left in the ring are no later for it: raising the flag wakes it for them. (Were the loop
    // blocked, its waiter still looks again every peerCheckMs.)
    if (!s.quiet) {
      Atomics.store(s.hdr, L.I_READER_WAITING, 0);
      s.quiet = true;
      setImmediate(this.endQuiet);
    }
    try {
      return this.receiveSlow(mode, timeoutMs, true);
    } finally {
      // A poll that slept raised the flag (and a writer may have lowered it to wake us): up
      // again at once for the async waiter, as after any sleep.
      if (!s.quiet) this.raiseForAsync();
    }
  }

  /** A receive that ends with nothing: the room taken so far goes back to the writers. */
  private nothing(): undefined {
    this.flushTail();
    return undefined;
  }

  /** The end of the quiet period receiveSync started: the async waiter's flag goes up again. */
  private readonly endQuiet = (): void => {
    if (!this.s.quiet) return;
    this.s.quiet = false;
    this.raiseForAsync();
  };

  /** Raises reader_waiting for a sleeping async receive, waking it if records are already there. */
  private raiseForAsync(): void {
    const s = this.s;
    if (!s.closed && s.asyncDataWaits > 0) {
      Atomics.store(s.hdr, L.I_READER_WAITING, 1);
      if (Atomics.load(s.hdr, L.I_HEAD) !== s.tail) {
        Atomics.add(s.hdr, L.I_DATA_SEQ, 1);
        s.futex.wake(L.OFF_DATA_SEQ, 1);
      }
    }
  }

  private receiveSlow(mode: TakeMode, timeoutMs: number, quiet = false): Uint8Array | undefined {
    const s = this.s;
    // A peer that answers at once (a round trip) does so within a few polls: no clock read yet.
    if (s.spinMs > 0 && s.spinSkip === 0) {
      for (let k = 0; k < 16; k++) {
        const r = this.take(mode);
        if (r !== undefined) return r;
      }
    }
    const w = mode === VIEW ? this.viewWait : mode === COPY ? this.copyWait : this.placeWait;
    const r = spinThenSleep(s, w, deadlineOf(timeoutMs), 8);
    if (r !== undefined) return r;
    if (quiet) return this.take(mode) ?? this.nothing(); // a poll that ends here: the flag stays down (see receiveSync)
    this.raiseFlag(); // as before a sleep: a timed-out receive leaves the flag up, as a sleep does
    return this.take(mode) ?? this.nothing();
  }

  /**
   * Raises reader_waiting before a sleep (or the last look of a timed-out receive); returns the
   * data_seq to sleep on. A later poll lowers it again (receiveSync).
   */
  raiseFlag(): number {
    const s = this.s;
    this.flushTail(); // writers may be waiting for the room this reader has not handed back yet
    const seq = Atomics.load(s.hdr, L.I_DATA_SEQ);
    s.quiet = false;
    Atomics.store(s.hdr, L.I_READER_WAITING, 1);
    return seq;
  }

  /** A sync receive's sleep: until a writer publishes (data_seq moves) or `ms` pass. */
  sleepForData(ms: number): void {
    const s = this.s;
    const seq = this.raiseFlag();
    if (Atomics.load(s.hdr, L.I_HEAD) === s.tail) {
      s.futex.wait(L.OFF_DATA_SEQ, seq, ms);
      reapIfDue(s);
    }
  }

  /** Channel.receiveAsync. */
  async receiveAsync(timeoutMs: number, signal: AbortSignal | undefined): Promise<Uint8Array | undefined> {
    const s = this.s;
    const deadline = deadlineOf(timeoutMs);
    for (;;) {
      signal?.throwIfAborted();
      const r = this.take(COPY);
      if (r !== undefined) return r;
      // No spinning on the event loop: the waiter thread spins (spinMicros) before it sleeps.
      const seq = this.raiseFlag();
      if (Atomics.load(s.hdr, L.I_HEAD) !== s.tail) continue;
      const left = leftMs(deadline);
      if (left <= 0) return undefined;
      await sleepAsync(s, L.OFF_DATA_SEQ, seq, Math.min(left, s.peerCheckMs), signal);
      if (!s.closed) reapIfDue(s);
    }
  }

  /** The 'message' receive loop: runs while the channel has 'message' listeners. */
  pump(): void {
    const s = this.s;
    if (s.pumping || s.closed) return;
    s.pumping = true;
    void (async () => {
      try {
        while (!s.closed && s.events.listenerCount('message') > 0) {
          const r = await this.receiveAsync(s.peerCheckMs, undefined);
          if (r !== undefined) s.events.emit('message', r);
        }
      } catch (e) {
        if (!(e instanceof ClosedError)) s.events.emit('error', e);
      } finally {
        s.pumping = false;
      }
    })();
  }
}

/** A sync receive's wait: take a record (a copy, a view or in place); sleep on data_seq. */
class ReceiveWait implements Wait<Uint8Array> {
  constructor(
    private readonly r: ChannelReader,
    private readonly mode: TakeMode,
  ) {}

  poll(): Uint8Array | undefined {
    return this.r.take(this.mode);
  }

  sleep(ms: number): void {
    this.r.sleepForData(ms);
  }
}
