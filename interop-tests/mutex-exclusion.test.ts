// Mutual exclusion between Node (NamedMutex) and an unmodified .NET 10 program
// (System.Threading.Mutex, Peer command mutex-count). Covers the .NET 6-10 layout ('net10'),
// run against .NET 10 here.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NamedMutex } from '../ts/mutex/named-mutex.js';
import { sharedMemoryPath } from '../ts/mutex/dotnet-shm.js';
import { parseName } from '../ts/names.js';
import { counterFile, nodeCount, uniqueMutexName } from './mutex-helpers.js';
import { Peer } from './peer.js';

const N = 20_000;


/** The same with lockAsync, for as long as the Peer counts (and at least `min` times); a lock
 * that had to wait is held by a holder thread. */
async function nodeCountAsync(mutex: NamedMutex, view: DataView, min: number): Promise<{ n: number; abandoned: number; viaHolder: number }> {
  const deadline = Date.now() + 10_000;
  while (view.getInt32(4, true) !== 1) {
    if (Date.now() > deadline) throw new Error('the Peer did not start counting');
  }
  view.setInt32(8, 1, true);
  let abandoned = 0;
  let viaHolder = 0;
  let n = 0;
  for (; n < min || view.getInt32(12, true) !== 1; n++) {
    let settled = false;
    const p = mutex.lockAsync().then((r) => ((settled = true), r));
    await new Promise((r) => setImmediate(r)); // a free lock has settled by now
    if (!settled) viaHolder++;
    if ((await p) === 'abandoned') abandoned++;
    view.setInt32(0, view.getInt32(0, true) + 1, true);
    mutex.unlock();
  }
  return { n, abandoned, viaHolder };
}

describe('named mutex: mutual exclusion with .NET 10 (net10 layout)', () => {
  it(`lockAsync against a busy lock: every increment from both sides counts (Peer: ${N})`, async () => {
    const name = uniqueMutexName('excl-async');
    using counter = counterFile();
    const mutex = NamedMutex.openOrCreate(name);
    try {
      await using peer = Peer.start('mutex-count', { name, file: counter.path, iterations: N, inside: 200 });
      await peer.next('ready');
      peer.send('go');
      const mine = await nodeCountAsync(mutex, counter.view, 500);
      const done = await peer.next('done');
      expect(mine.abandoned + Number(done['abandoned'])).toBe(0);
      expect(counter.view.getInt32(0, true)).toBe(mine.n + N);
      expect(mine.viaHolder).toBeGreaterThan(0); // the holder-thread path really ran
      await peer.exited;
    } finally {
      mutex.close();
    }
  });

  for (const first of ['peer', 'node'] as const) {
    it(`${N} locked increments on each side give exactly ${2 * N} (${first} creates the mutex)`, async () => {
      const name = uniqueMutexName('excl');
      using counter = counterFile();
      let mutex: NamedMutex | undefined;
      try {
        if (first === 'node') {
          mutex = NamedMutex.openOrCreate(name);
          expect(mutex.createdNew).toBe(true);
        }
        await using peer = Peer.start('mutex-count', { name, file: counter.path, iterations: N });
        const ready = await peer.next('ready');
        expect(ready['createdNew']).toBe(first === 'peer');
        if (first === 'peer') {
          mutex = NamedMutex.openOrCreate(name);
          expect(mutex.createdNew).toBe(false);
        }
        peer.send('go');
        const mine = nodeCount(mutex!, counter.view, { n: N, other: 'the Peer', turnEvery: 32 });
        const done = await peer.next('done');
        expect(done['abandoned']).toBe(0);
        expect(mine.abandoned).toBe(0);
        expect(counter.view.getInt32(0, true)).toBe(2 * N);
        // The loops really overlapped: each side saw the other's increments between its own.
        expect(mine.interleaved + Number(done['interleaved'])).toBeGreaterThan(0);
        await peer.exited;
      } finally {
        mutex?.close(); // also when an assertion failed: no file left behind
      }
      expect(existsSync(sharedMemoryPath(parseName(name)))).toBe(false);
    });
  }
});
