// A peer's garbage in shared memory is bad input: another process scribbles random values over
// the channel's header words and ring while a reader and a writer keep using it. Every call must
// end with a value or a typed TwinmapError within its timeout: no crash, no hang, no other error.
import { describe, expect, it } from 'vitest';
import { TwinmapError } from '../errors.js';
import { SharedMap } from '../map/shared-map.js';
import { uniqueNames } from '../test-support/unique-names.js';
import { Channel } from './channel.js';

const uniq = uniqueNames('twinmap-test-hostile', (name) => Channel.unlink(name));

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEADER = 1024;
const CAPACITY = 4096;

/** Runs `op`; a typed error is an allowed outcome, anything else fails the test. */
function attempt(what: string, op: () => unknown, codes: Map<string, number>): void {
  try {
    op();
  } catch (e) {
    if (!(e instanceof TwinmapError)) throw new Error(`${what}: untyped ${String(e)}`, { cause: e });
    codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
  }
}

describe('Channel with a hostile peer scribbling over its shared memory', () => {
  it('300 rounds of random scribbles: only values and typed errors, never a hang or a crash', () => {
    const codes = new Map<string, number>();
    for (let round = 0; round < 300; round++) {
      const rnd = prng(0x7a11 + round);
      const name = uniq();
      const rx = Channel.create(name, { capacity: CAPACITY, spinMicros: 0, peerCheckMs: 5 });
      const tx = Channel.open(name, { spinMicros: 0, peerCheckMs: 5 });
      const peer = SharedMap.open(name);
      const words = new Uint32Array(peer.buffer);
      try {
        for (let step = 0; step < 12; step++) {
          // The hostile peer: one to three random words, in the header (where the protocol's
          // state lives) three times out of four, else in the ring.
          for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) {
            const inHeader = rnd() < 0.75;
            const index = inHeader ? Math.floor(rnd() * (HEADER / 4)) : HEADER / 4 + Math.floor(rnd() * (CAPACITY / 4));
            const choice = rnd();
            words[index] = choice < 0.3 ? 0 : choice < 0.5 ? 0xffffffff : choice < 0.7 ? Math.floor(rnd() * 2 * CAPACITY) : Math.floor(rnd() * 2 ** 32);
          }
          const size = Math.floor(rnd() * (CAPACITY / 2));
          attempt('send', () => tx.send(new Uint8Array(size).fill(step), 15), codes);
          attempt('trySend', () => tx.trySend(new Uint8Array(8)), codes);
          attempt('receive', () => rx.receive(15), codes);
          attempt('receiveView', () => rx.receiveView(0), codes);
          attempt('checkPeers', () => rx.checkPeers(), codes);
        }
      } finally {
        attempt('close tx', () => tx.close(), codes);
        attempt('close rx', () => rx.close(), codes);
        peer.close();
      }
    }
    // The scribbles must have hit the checks, or this test proves nothing.
    expect(codes.get('BAD_HEADER') ?? 0).toBeGreaterThan(0);
  });
});
