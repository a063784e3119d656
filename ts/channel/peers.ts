// The processes on the other side: writer slots (claim, liveness, reaping a writer that died,
// releasing the write lock it held) and the reader's identity as writers see it. The .NET twin
// is dotnet/Twinmap/Channel.Peers.cs.
import { performance } from 'node:perf_hooks';
import { BadHeaderError, PeerGoneError, TwinmapError } from '../errors.js';
import { isAlive, selfStartTime } from '../liveness/liveness.js';
import * as L from './layout.js';
import type { ChannelState } from './state.js';

/** A process on the other side of the channel that died or closed. */
export interface PeerGone {
  readonly role: 'reader' | 'writer';
  readonly pid: number;
  /** A writer that died holding the write lock (mid-record): the lock was released. */
  readonly heldLock?: boolean;
}

const slotPidIndex = (slot: number) => (L.OFF_WRITERS + slot * L.WRITER_SLOT_SIZE + L.OFF_SLOT_PID) / 4;
const slotStartOffset = (slot: number) => L.OFF_WRITERS + slot * L.WRITER_SLOT_SIZE + L.OFF_SLOT_START;

/** Takes a free writer slot for this process (reaping dead writers if all are taken). */
export function claimSlot(s: ChannelState): void {
  const pid = process.pid;
  for (let round = 0; round < 2; round++) {
    for (let slot = 0; slot < L.WRITER_SLOTS; slot++) {
      const i = slotPidIndex(slot);
      const cur = Atomics.load(s.hdr, i);
      if (cur === 0 && Atomics.compareExchange(s.hdr, i, 0, pid) === 0) {
        s.dv.setBigUint64(slotStartOffset(slot), selfStartTime(), true);
        s.slot = slot;
        return;
      }
    }
    reapDeadWriters(s);
  }
  throw new TwinmapError('UNSUPPORTED', `channel ${JSON.stringify(s.name)}: all ${L.WRITER_SLOTS} writer slots are held by live writers`);
}

/** On close: frees this handle's writer slot. */
export function releaseSlot(s: ChannelState): void {
  if (s.slot < 0) return;
  s.dv.setBigUint64(slotStartOffset(s.slot), 0n, true);
  Atomics.compareExchange(s.hdr, slotPidIndex(s.slot), process.pid, 0);
  s.slot = -1;
}

function slotAlive(s: ChannelState, slot: number): boolean {
  const pid = Atomics.load(s.hdr, slotPidIndex(slot));
  if (pid === 0) return false;
  if (pid === process.pid) return true;
  return isAlive(pid, s.dv.getBigUint64(slotStartOffset(slot), true));
}

/** Frees a dead writer's slot, releasing the write lock first if it held it. */
function reapSlot(s: ChannelState, slot: number): { pid: number; heldLock: boolean } {
  const i = slotPidIndex(slot);
  const pid = Atomics.load(s.hdr, i);
  if (pid === 0) return { pid: 0, heldLock: false };
  const lock = Atomics.load(s.hdr, L.I_LOCK);
  let heldLock = false;
  if ((lock & ~L.LOCK_CONTENDED) === slot + 1 && Atomics.compareExchange(s.hdr, L.I_LOCK, lock, 0) === lock) {
    heldLock = true;
    s.futex.wake(L.OFF_LOCK, 0);
  }
  s.dv.setBigUint64(slotStartOffset(slot), 0n, true);
  return { pid: Atomics.compareExchange(s.hdr, i, pid, 0) === pid ? pid : 0, heldLock };
}

/**
 * After a sleep: reaps dead writers at most once per peerCheckMs. Reaping reads /proc for each
 * writer (tens of µs); doing it after every wake-up doubled a sleeping round trip.
 */
export function reapIfDue(s: ChannelState): void {
  const now = performance.now();
  if (now - s.lastReap < s.peerCheckMs) return;
  s.lastReap = now;
  reapDeadWriters(s);
}

/** Frees the slots of writers whose process died; reports each as 'peerGone'. */
export function reapDeadWriters(s: ChannelState): PeerGone[] {
  const gone: PeerGone[] = [];
  for (let slot = 0; slot < L.WRITER_SLOTS; slot++) {
    if (slot === s.slot) continue;
    const pid = Atomics.load(s.hdr, slotPidIndex(slot));
    if (pid !== 0 && !slotAlive(s, slot)) {
      const { pid: reaped, heldLock } = reapSlot(s, slot);
      if (reaped !== 0) gone.push({ role: 'writer', pid: reaped, heldLock });
    }
  }
  for (const g of gone) s.events.emit('peerGone', g);
  return gone;
}

/** A lock held by a writer whose process died is released (its half-written frame is beyond head). */
export function checkLockHolder(s: ChannelState): void {
  const v = Atomics.load(s.hdr, L.I_LOCK);
  if (v === 0) return;
  const slot = (v & ~L.LOCK_CONTENDED) - 1;
  if (slot < 0 || slot >= L.WRITER_SLOTS) {
    throw new BadHeaderError(`channel ${JSON.stringify(s.name)}: write_lock holds ${v >>> 0}, not a writer slot`);
  }
  if (!slotAlive(s, slot)) reapSlot(s, slot);
}

export function throwIfReaderGone(s: ChannelState): void {
  const gone = readerGone(s);
  if (gone !== undefined) {
    throw new PeerGoneError(`channel ${JSON.stringify(s.name)}: the reader (pid ${gone}) is gone; the record was not sent`);
  }
}

/** The pid of a reader that closed (0) or died, or undefined while the reader lives (or none came yet). */
function readerGone(s: ChannelState): number | undefined {
  const state = Atomics.load(s.hdr, L.I_READER_STATE);
  if (state === L.READER_DETACHED) return 0;
  if (state !== L.READER_ATTACHED) return undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    const pid = Atomics.load(s.hdr, L.I_READER_PID);
    const start = s.dv.getBigUint64(L.OFF_READER_START, true);
    if (pid === 0 || isAlive(pid, start)) return undefined;
    if (attempt === 0) continue; // re-read: a new reader may be mid-attach
    return pid;
  }
  return undefined;
}

/** Channel.checkPeers: dead writers (reaped) plus, for a writer, the reader if it closed or died. */
export function checkPeers(s: ChannelState): PeerGone[] {
  s.ensureOpen();
  const gone = reapDeadWriters(s);
  if (!s.reader) {
    const r = readerGone(s);
    if (r !== undefined) gone.push({ role: 'reader', pid: r });
  }
  return gone;
}

/** Channel.writers: live writer pids. */
export function writers(s: ChannelState): number[] {
  s.ensureOpen();
  const pids: number[] = [];
  for (let slot = 0; slot < L.WRITER_SLOTS; slot++) {
    const pid = Atomics.load(s.hdr, slotPidIndex(slot));
    if (pid !== 0 && slotAlive(s, slot)) pids.push(pid);
  }
  return pids;
}
