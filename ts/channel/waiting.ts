// How a channel handle waits: deadlines, adaptive spinning, a writer's sleep on the write lock or
// for room, and async sleeps on a native waiter thread (so the event loop keeps running). The
// .NET twin is dotnet/Twinmap/Channel.Waiting.cs.
// The clock as a module binding: the global `performance` is a lazy getter in Node 20 (a
// performance.now() through it costs ~420 instructions, through this binding ~230).
import { performance } from 'node:perf_hooks';
import { TwinmapError, ClosedError } from '../errors.js';
import * as L from './layout.js';
import { checkLockHolder, throwIfReaderGone } from './peers.js';
import type { ChannelState } from './state.js';

export function checkTimeout(timeoutMs: number): void {
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs)) {
    throw new TwinmapError('INVALID_ARGUMENT', `timeoutMs must be a number (Infinity or < 0: no limit), got ${String(timeoutMs)}`);
  }
}

export function deadlineOf(timeoutMs: number): number {
  checkTimeout(timeoutMs);
  return timeoutMs < 0 || timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
}

export function leftMs(deadline: number): number {
  return deadline === Infinity ? Infinity : deadline - performance.now();
}

/** How long the next wait may spin (ms): 0 while recent spins kept missing. */
export function spinBudget(s: ChannelState): number {
  if (s.spinMs === 0) return 0;
  if (s.spinSkip > 0) {
    s.spinSkip--;
    return 0;
  }
  return s.spinMs;
}

export function spun(s: ChannelState, hit: boolean): void {
  if (hit) s.spinMisses = 0;
  else if (++s.spinMisses >= 3) {
    s.spinMisses = 0;
    s.spinSkip = 64;
  }
}

/**
 * What a blocking call waits for: `poll` tries once (a result, or undefined to keep waiting);
 * `sleep` sleeps up to `ms` on the word that changes when a poll may succeed (it may return
 * early, and throws PEER_GONE for a peer that is gone).
 */
export interface Wait<R> {
  poll(): R | undefined;
  sleep(ms: number): void;
}

/**
 * The wait of every blocking call (send, sendMany, receive): polls for up to this wait's spin
 * budget, reading the clock once every `perClock` polls (a clock read costs more than a cheap
 * poll), then sleeps in slices of at most peerCheckMs until `deadline`, polling after each.
 * Returns the first poll's result, or undefined at the deadline. Spins that end without a
 * result count as misses (adaptive spinning); a wait with no budget counts as neither.
 */
export function spinThenSleep<R>(s: ChannelState, w: Wait<R>, deadline: number, perClock: number): R | undefined {
  const budget = spinBudget(s);
  if (budget > 0) {
    const until = performance.now() + budget;
    do {
      for (let k = 0; k < perClock; k++) {
        const r = w.poll();
        if (r !== undefined) {
          spun(s, true);
          return r;
        }
      }
    } while (performance.now() < until);
    spun(s, false);
  }
  for (;;) {
    const left = leftMs(deadline);
    if (left <= 0) return undefined;
    w.sleep(Math.min(left, s.peerCheckMs));
    const r = w.poll();
    if (r !== undefined) return r;
  }
}

/** Whether a record of `length` bytes (and the wrap frame before it, if needed) fits now. */
export function hasRoom(s: ChannelState, length: number): boolean {
  const head = Atomics.load(s.hdr, L.I_HEAD);
  const tail = Atomics.load(s.hdr, L.I_TAIL);
  const free = s.capacity - ((head - tail) >>> 0);
  const size = L.frameSize(length);
  const rest = s.capacity - (head & s.mask);
  return rest < size ? free >= rest : free >= size;
}

export function markContended(s: ChannelState, v: number): void {
  if ((v & L.LOCK_CONTENDED) === 0) Atomics.compareExchange(s.hdr, L.I_LOCK, v, v | L.LOCK_CONTENDED);
}

/** A writer's sleep while another writer holds the lock; a dead holder's lock is released after. */
export function sleepOnLock(s: ChannelState, ms: number): void {
  const v = Atomics.load(s.hdr, L.I_LOCK);
  if (v === 0) return;
  markContended(s, v);
  s.futex.wait(L.OFF_LOCK, v | L.LOCK_CONTENDED, ms);
  checkLockHolder(s);
}

/** A writer's sleep until the reader frees room (or `ms` pass); PEER_GONE if the reader is gone. */
export function sleepForSpace(s: ChannelState, length: number, ms: number): void {
  const seq = Atomics.load(s.hdr, L.I_SPACE_SEQ);
  Atomics.add(s.hdr, L.I_WRITERS_WAITING, 1);
  try {
    if (!hasRoom(s, length)) s.futex.wait(L.OFF_SPACE_SEQ, seq, ms);
  } finally {
    Atomics.sub(s.hdr, L.I_WRITERS_WAITING, 1);
  }
  throwIfReaderGone(s);
}

// One native waiter thread per word being waited on, reused between waits.
export function sleepAsync(s: ChannelState, offset: number, expected: number, ms: number, signal: AbortSignal | undefined): Promise<void> {
  s.ensureOpen();
  let idle = s.waiters.get(offset);
  if (idle === undefined) s.waiters.set(offset, (idle = []));
  const w = idle.pop() ?? s.futex.waiter(offset);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => w.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    s.busyWaiters.add(w);
    const data = offset === L.OFF_DATA_SEQ;
    if (data) s.asyncDataWaits++;
    const spin = data ? spinBudget(s) : 0;
    w.wait(expected, ms, (result) => {
      if (data) s.asyncDataWaits--;
      if (spin > 0) spun(s, result === 'changed');
      signal?.removeEventListener('abort', onAbort);
      s.busyWaiters.delete(w);
      if (s.closed) {
        w.close();
        reject(new ClosedError(`channel ${JSON.stringify(s.name)}`));
        return;
      }
      idle.push(w);
      if (signal?.aborted) reject(signal.reason);
      else if (result === 'fault') reject(new TwinmapError('OS', `channel ${JSON.stringify(s.name)}: futex wait failed`));
      else resolve();
    }, spin * 1000);
  });
}

/**
 * On close: ends the idle waiter threads and cancels the pending async waits (they reject with
 * CLOSED); `unmap` runs once no waiter thread touches the mapping any more.
 */
export function closeWaiters(s: ChannelState, unmap: () => void): void {
  for (const list of s.waiters.values()) for (const w of list.splice(0)) w.close();
  for (const w of s.busyWaiters) w.cancel();
  const unmapWhenIdle = () => {
    if (s.busyWaiters.size === 0) unmap();
    else setTimeout(unmapWhenIdle, 1);
  };
  unmapWhenIdle();
}
