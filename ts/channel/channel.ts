// A shared-memory message channel between processes (Node and .NET alike): a named region
// holding a header and a ring of length-prefixed records, many writers and one reader.
// The protocol is docs/protocol/channel.md; the .NET twin is dotnet/Twinmap/Channel.cs.
//
// This file is the public class: opening, the header check, closing. The work is in the files
// named like the .NET twin's partial-class files: send.ts (Channel.Send.cs, class
// ChannelWriter), receive.ts (Channel.Receive.cs, class ChannelReader), peers.ts
// (Channel.Peers.cs), waiting.ts (Channel.Waiting.cs), over the per-handle state in state.ts
// (Channel.cs's fields).
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
import { BadHeaderError, ClosedError, TwinmapError } from '../errors.js';
import { parseName, quoteName } from '../names.js';
import { openRegion, unlinkRegion, type OpenMode, type Region } from '../shm-region.js';
import * as L from './layout.js';
import * as P from './peers.js';
import type { PeerGone } from './peers.js';
import { ChannelReader, COPY, IN_PLACE, VIEW } from './receive.js';
import { ChannelWriter } from './send.js';
import { ChannelState } from './state.js';
import { closeWaiters } from './waiting.js';

export type { PeerGone };

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

const DEFAULT_CAPACITY = 1 << 20;

export class Channel extends EventEmitter implements Disposable, AsyncIterable<Uint8Array> {
  readonly name: string;
  /** Ring bytes. */
  readonly capacity: number;
  /** The largest record this channel can carry (capacity - 8). */
  readonly maxMessageSize: number;

  private readonly s: ChannelState;
  private readonly w: ChannelWriter;
  private readonly r: ChannelReader;

  private constructor(name: string, region: Region, options: ChannelOptions) {
    super();
    this.s = new ChannelState(name, region, options.spinMicros ?? 50, options.peerCheckMs ?? 250, this);
    this.w = new ChannelWriter(this.s);
    this.r = new ChannelReader(this.s);
    this.name = name;
    this.capacity = this.s.capacity;
    this.maxMessageSize = this.s.maxMessageSize;
    this.on('newListener', (event) => {
      if (event === 'message') queueMicrotask(() => this.r.pump());
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

  // ---------------------------------------------------------------- writing (send.ts)

  /**
   * Sends one record, waiting up to `timeoutMs` for room (Infinity: no limit). Throws
   * TOO_LARGE (never fits), TIMEOUT (no room in time), PEER_GONE (the reader closed or died),
   * CLOSED. When it throws, nothing was published.
   */
  send(data: Uint8Array, timeoutMs = Infinity): void {
    this.w.send(data, timeoutMs);
  }

  /** Sends if there is room now; false if the ring is full (or another writer holds it). */
  trySend(data: Uint8Array): boolean {
    return this.w.trySend(data);
  }

  /**
   * @internal For the IPC layer: like trySend() of one record made of `head` followed by `body`
   * (what is on the wire is the same), copied into the ring without joining them first.
   */
  trySendParts(head: Uint8Array, body: Uint8Array): boolean {
    return this.w.trySendParts(head, body);
  }

  /**
   * @internal For the IPC layer: like trySendParts() with a 16-byte head given as four 32-bit
   * words (little-endian, as the ring's frame headers), written in place with no head array.
   */
  trySendWords(w0: number, w1: number, w2: number, w3: number, body: Uint8Array): boolean {
    return this.w.trySendWords(w0, w1, w2, w3, body);
  }

  /**
   * Sends `records` in order, waiting up to `timeoutMs` for room (Infinity: no limit). As many
   * as fit are published together: one write lock, one head update and at most one wake-up of
   * the reader per batch, where send() pays each per record. Throws as send() does; a TIMEOUT
   * or PEER_GONE says how many of the records were sent before it (those stay published).
   */
  sendMany(records: readonly Uint8Array[], timeoutMs = Infinity): void {
    this.w.sendMany(records, timeoutMs);
  }

  /** Publishes, in one batch, as many of `records` (from the first) as fit now; returns how many (0: full, or another writer holds the lock). */
  trySendMany(records: readonly Uint8Array[]): number {
    return this.w.trySendMany(records);
  }

  /** Like send(), but waits for room without blocking the event loop. */
  sendAsync(data: Uint8Array, timeoutMs = Infinity, signal?: AbortSignal): Promise<void> {
    return this.w.sendAsync(data, timeoutMs, signal);
  }

  // ---------------------------------------------------------------- peers (peers.ts)

  /**
   * Checks the other side now: frees the slots of writers that died (releasing the write lock if
   * one held it) and returns them, plus the reader if it closed or died.
   */
  checkPeers(): PeerGone[] {
    return P.checkPeers(this.s);
  }

  /** Live writer processes (pids) registered on this channel. */
  writers(): number[] {
    return P.writers(this.s);
  }

  // ---------------------------------------------------------------- reading (receive.ts)

  /**
   * Attaches this handle as the channel's reader without taking a record (receives attach on
   * their own). From then on writers see this process: if it dies or closes, a writer waiting for
   * room gets PEER_GONE at once instead of waiting out its timeout. ALREADY_EXISTS
   * (AlreadyExistsError) if another live process is the reader. Idempotent.
   */
  attach(): void {
    this.r.attach();
  }

  /** The next record (a copy) if one is waiting; never sleeps. */
  tryReceive(): Uint8Array | undefined {
    return this.r.tryReceive();
  }

  /** Waits up to `timeoutMs` (Infinity: no limit) for a record; returns a copy, or undefined on timeout. */
  receive(timeoutMs = Infinity): Uint8Array | undefined {
    return this.r.receiveSync(COPY, timeoutMs);
  }

  /**
   * Like receive(), but returns a view into the ring: no copy, valid until the next receive
   * or close (the writers cannot reuse its bytes until then).
   */
  receiveView(timeoutMs = Infinity): Uint8Array | undefined {
    return this.r.receiveSync(VIEW, timeoutMs);
  }

  /**
   * @internal For the IPC layer: receiveView() without the view. Waits as receiveView does and
   * returns the record's byte offset in sharedBuffer (its length: placedLength()), or -1; the
   * record is held as a view is, until releaseView() or the next receive.
   */
  pollInPlace(timeoutMs: number): number {
    return this.r.receiveSync(IN_PLACE, timeoutMs) === undefined ? -1 : this.r.placed;
  }

  /** @internal The length of the record pollInPlace() returned last. */
  placedLength(): number {
    return this.r.placedLength;
  }

  /** @internal The channel's whole mapping (header, then ring): what pollInPlace's offsets index. */
  get sharedBuffer(): ArrayBuffer {
    return this.s.buf;
  }

  /**
   * @internal For the IPC layer: releases the record receiveView() handed out now, instead of
   * at the next receive (its bytes go back to the writers with the reader's next store of tail:
   * docs/protocol/channel.md, "The reader").
   */
  releaseView(): void {
    this.r.releaseView();
  }

  /**
   * Waits up to `timeoutMs` (Infinity: no limit) for a record, then takes up to `max` records
   * that are there (copies, in order) with at most one update of the shared tail. An empty array on
   * timeout.
   */
  receiveMany(max = 64, timeoutMs = Infinity): Uint8Array[] {
    return this.r.receiveMany(max, timeoutMs);
  }

  /**
   * Like receiveMany(), but returns views into the ring instead of copies: no copy, valid until
   * the next receive or close, which releases all of them at once.
   */
  receiveViews(max = 64, timeoutMs = Infinity): Uint8Array[] {
    return this.r.receiveViews(max, timeoutMs);
  }

  /** Waits for a record without blocking the event loop; undefined on timeout. */
  receiveAsync(timeoutMs = Infinity, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    return this.r.receiveAsync(timeoutMs, signal);
  }

  /** Receives records (copies) until the channel is closed. */
  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    while (!this.s.closed) {
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

  // ---------------------------------------------------------------- closing

  /**
   * Closes this handle: a reader detaches (writers waiting for room get PEER_GONE), a writer
   * frees its slot; pending async waits reject with CLOSED. Idempotent.
   */
  close(): void {
    const region = this.s.region;
    if (region === undefined) return;
    this.r.detachReader();
    P.releaseSlot(this.s);
    this.s.region = undefined;
    closeWaiters(this.s, () => region.map.close());
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
