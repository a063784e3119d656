// Timeouts both ways with .NET 10 (net10 layout). Bounds are generous: the
// machine is shared; these check "about that long", not speed.
import { describe, expect, it } from 'vitest';
import { NamedMutex } from '../ts/mutex/named-mutex.js';
import { finishHold, uniqueMutexName } from './mutex-helpers.js';
import { Peer } from './peer.js';

describe('named mutex timeouts with .NET 10 (net10 layout)', () => {
  it("while the Peer holds it: lock(300) and lockAsync(300) return 'timeout' after about 300 ms, tryLock() at once", async () => {
    const name = uniqueMutexName('timeout-n');
    await using peer = Peer.start('mutex-hold', { name });
    await peer.next('locked');
    using mutex = NamedMutex.openOrCreate(name);

    let t0 = performance.now();
    expect(mutex.lock(300)).toBe('timeout');
    let ms = performance.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(5000);

    t0 = performance.now();
    expect(await mutex.lockAsync(300)).toBe('timeout');
    ms = performance.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(5000);

    t0 = performance.now();
    expect(mutex.tryLock()).toBe('timeout');
    expect(performance.now() - t0).toBeLessThan(200);

    await finishHold(peer, true);
    expect(mutex.tryLock()).toBe('acquired');
    mutex.unlock();
  });

  it("while Node holds it: the Peer's WaitOne(300) times out after about 300 ms, WaitOne(0) at once", async () => {
    const name = uniqueMutexName('timeout-p');
    using mutex = NamedMutex.openOrCreate(name);
    expect(mutex.lock()).toBe('acquired');
    for (const [timeout, min, max] of [
      [300, 250, 5000],
      [0, 0, 200],
    ] as const) {
      await using peer = Peer.start('mutex-hold', { name, timeout });
      const locked = await peer.next('locked');
      expect(locked['result']).toBe('timeout');
      expect(Number(locked['ms'])).toBeGreaterThanOrEqual(min);
      expect(Number(locked['ms'])).toBeLessThan(max);
      await finishHold(peer, false);
    }
    mutex.unlock();
  });
});
