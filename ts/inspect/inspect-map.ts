// What a named map holds, read through a read-only mapping (nothing is written, no lock taken):
// a twinmap channel, a twinmap event, or plain bytes. For `twinmap inspect`.
import { statSync } from 'node:fs';
import * as C from '../channel/layout.js';
import * as E from '../event/layout.js';
import { TwinmapError } from '../errors.js';
import { isAlive } from '../liveness/liveness.js';
import type { ReadableView } from '../map/readable-view.js';
import { SharedMap } from '../map/shared-map.js';

export interface ProcessRef {
  readonly pid: number;
  /** pid + start time still name a running process. */
  readonly alive: boolean;
}

export type ReaderState = 'none' | 'attached' | 'detached';

export interface ChannelState {
  readonly kind: 'channel';
  readonly version: number;
  readonly capacity: number;
  readonly head: number;
  readonly tail: number;
  /** Bytes published and not yet consumed. */
  readonly used: number;
  readonly reader: { readonly state: ReaderState; readonly process: ProcessRef | undefined };
  readonly readerSleeping: boolean;
  readonly writersSleeping: number;
  readonly writers: readonly (ProcessRef & { readonly slot: number })[];
  /** The writer slot that holds the write lock, if any. */
  readonly lockHolder: number | undefined;
  readonly lockContended: boolean;
  /** What does not add up: each a sentence naming the field. */
  readonly problems: readonly string[];
}

export interface EventState {
  readonly kind: 'event';
  readonly version: number;
  readonly manualReset: boolean;
  readonly set: boolean;
  readonly waiters: number;
}

export interface MapInspection {
  readonly name: string;
  /** The file behind it (Linux), if any. */
  readonly path: string | undefined;
  readonly size: number;
  /** Owner of the file behind it (Linux), if any. */
  readonly uid: number | undefined;
  /** Set when another user (not this one, not root) owns it: twinmap's opens refuse it unless allowForeignOwner is given. */
  readonly foreignOwner: boolean;
  readonly contents: ChannelState | EventState | { readonly kind: 'bytes'; readonly magic: number };
}

function channelState(dv: ReadableView, size: number): ChannelState {
  const u32 = (off: number) => dv.getUint32(off, true);
  const problems: string[] = [];
  const version = dv.getUint16(C.OFF_VERSION, true);
  const capacity = u32(C.OFF_CAPACITY);
  const head = u32(C.OFF_HEAD);
  const tail = u32(C.OFF_TAIL);
  const used = (head - tail) >>> 0;
  if (version !== C.CHANNEL_VERSION) problems.push(`version ${version} at offset ${C.OFF_VERSION}: this twinmap speaks version ${C.CHANNEL_VERSION}`);
  if (size !== C.HEADER_SIZE + capacity) problems.push(`capacity ${capacity} at offset ${C.OFF_CAPACITY} does not match the map's ${size} bytes`);
  if (used > capacity) problems.push(`head ${head} - tail ${tail} = ${used} bytes in use, more than the capacity ${capacity}`);
  const stateWord = u32(C.OFF_READER_STATE);
  const state: ReaderState = stateWord === C.READER_ATTACHED ? 'attached' : stateWord === C.READER_DETACHED ? 'detached' : 'none';
  if (stateWord > C.READER_DETACHED) problems.push(`reader_state ${stateWord} at offset ${C.OFF_READER_STATE} is not 0, 1 or 2`);
  const readerPid = u32(C.OFF_READER_PID);
  const process = readerPid > 0 ? { pid: readerPid, alive: isAlive(readerPid, dv.getBigUint64(C.OFF_READER_START, true)) } : undefined;
  const reader = { state, process };
  if (state === 'attached' && process !== undefined && !process.alive) problems.push(`the reader (pid ${readerPid}) is gone; the next reader takes over`);
  const writers: (ProcessRef & { slot: number })[] = [];
  for (let slot = 0; slot < C.WRITER_SLOTS; slot++) {
    const off = C.OFF_WRITERS + slot * C.WRITER_SLOT_SIZE;
    const pid = u32(off);
    if (pid !== 0) writers.push({ slot, pid, alive: isAlive(pid, dv.getBigUint64(off + 8, true)) });
  }
  const lock = u32(C.OFF_LOCK);
  const holderSlot = (lock & 0x7fffffff) - 1;
  const lockHolder = (lock & 0x7fffffff) === 0 ? undefined : holderSlot;
  if (lockHolder !== undefined) {
    const holder = writers.find((w) => w.slot === lockHolder);
    if (lockHolder >= C.WRITER_SLOTS) problems.push(`write_lock 0x${lock.toString(16)} at offset ${C.OFF_LOCK} names slot ${lockHolder}, past the ${C.WRITER_SLOTS} slots`);
    else if (holder === undefined || !holder.alive) problems.push(`the write lock is held by slot ${lockHolder}, whose writer is gone; the next writer or the reader releases it`);
  }
  return {
    kind: 'channel',
    version,
    capacity,
    head,
    tail,
    used,
    reader,
    readerSleeping: u32(C.OFF_READER_WAITING) !== 0,
    writersSleeping: u32(C.OFF_WRITERS_WAITING),
    writers,
    lockHolder,
    lockContended: (lock & 0x80000000) !== 0,
    problems,
  };
}

function eventState(dv: ReadableView): EventState {
  return {
    kind: 'event',
    version: dv.getUint16(E.OFF_VERSION, true),
    manualReset: (dv.getUint16(E.OFF_FLAGS, true) & E.FLAG_MANUAL_RESET) !== 0,
    set: dv.getUint32(E.OFF_STATE, true) !== 0,
    waiters: dv.getUint32(E.OFF_WAITERS, true),
  };
}

/** Reads the map `name`; undefined if there is none (NOT_FOUND). */
export function inspectMap(name: string): MapInspection | undefined {
  let map: SharedMap;
  try {
    // A diagnostic reads whatever is there; it reports a foreign owner instead of refusing it.
    map = SharedMap.open(name, { readOnly: true, allowForeignOwner: true });
  } catch (e) {
    if (e instanceof TwinmapError && e.code === 'NOT_FOUND') return undefined;
    throw e;
  }
  try {
    const dv = map.reader;
    const magic = map.size >= 4 ? dv.getUint32(0, true) : 0;
    const contents =
      magic === C.CHANNEL_MAGIC && map.size >= C.HEADER_SIZE
        ? channelState(dv, map.size)
        : magic === E.EVENT_MAGIC && map.size >= E.EVENT_SIZE
          ? eventState(dv)
          : ({ kind: 'bytes', magic } as const);
    const uid = map.path !== undefined ? statSync(map.path, { throwIfNoEntry: false })?.uid : undefined;
    const me = process.geteuid?.();
    const foreignOwner = uid !== undefined && me !== undefined && uid !== me && uid !== 0;
    return { name, path: map.path, size: map.size, uid, foreignOwner, contents };
  } finally {
    map.close();
  }
}
