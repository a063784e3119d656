// Abandonment both ways between Node and .NET 10 (net10 layout).
// Two sources of "abandoned", both covered: the owner process dies (kernel robust list:
// EOWNERDEAD), and a live process closes its last handle while holding (.NET's Abandon():
// the isAbandoned byte in the file).
import { beforeAll, describe, expect, it } from 'vitest';
import { NamedMutex } from '../ts/mutex/named-mutex.js';
import { buildDist, finishHold, startNodeChild, uniqueMutexName } from './mutex-helpers.js';
import { Peer } from './peer.js';

beforeAll(buildDist);

describe('named mutex abandonment with .NET 10 (net10 layout)', () => {
  for (const how of ['lock', 'lockAsync'] as const) {
    it(`the Peer is SIGKILLed holding it: Node's ${how}() reports 'abandoned' and owns it`, async () => {
      const name = uniqueMutexName('abandon-peer');
      await using peer = Peer.start('mutex-hold', { name });
      expect((await peer.next('locked'))['result']).toBe('acquired');
      using mutex = NamedMutex.openOrCreate(name); // open before the kill, or the file is stale
      expect(mutex.tryLock()).toBe('timeout');
      // lockAsync waits on its holder thread while the owner dies; lock() comes after the death.
      const waiting = how === 'lockAsync' ? mutex.lockAsync(10_000) : undefined;
      peer.kill('SIGKILL');
      await peer.exited;
      expect(waiting ? await waiting : mutex.lock(10_000)).toBe('abandoned');
      mutex.unlock();
      expect(mutex.lock(1000)).toBe('acquired'); // consistent again: abandonment is reported once
      mutex.unlock();
    });
  }

  for (const how of ['lock', 'lockAsync'] as const) {
    it(`a Node child holding it (${how}) is SIGKILLed: the Peer gets AbandonedMutexException`, async () => {
      const name = uniqueMutexName('abandon-node');
      // For lockAsync the test holds it first, so the child must wait and its holder thread
      // (not its JS thread) ends up owning the lock when the process is killed.
      using mutex = NamedMutex.openOrCreate(name);
      if (how === 'lockAsync') mutex.lock();
      await using child = startNodeChild(name, how);
      await child.next('opened');
      if (how === 'lockAsync') {
        await new Promise((r) => setTimeout(r, 100));
        mutex.unlock();
      }
      expect((await child.next('locked'))['result']).toBe('acquired');
      await using peer = Peer.start('mutex-hold', { name, step: 1, timeout: 10_000 });
      expect((await peer.next('opened'))['createdNew']).toBe(false);
      await child.kill();
      peer.send('go');
      expect((await peer.next('locked'))['result']).toBe('abandoned');
      peer.send('release');
      await peer.next('released');
    });
  }

  it('Node closes while holding (process alive): the Peer gets AbandonedMutexException', async () => {
    const name = uniqueMutexName('abandon-close');
    await using child = startNodeChild(name, 'lock');
    await child.next('locked');
    await using peer = Peer.start('mutex-hold', { name, step: 1, timeout: 10_000 });
    await peer.next('opened');
    child.send('close');
    await child.next('closed');
    peer.send('go');
    expect((await peer.next('locked'))['result']).toBe('abandoned');
    await finishHold(peer, true);
  });

  it('the Peer disposes its Mutex while holding it (process alive): Node reports abandoned', async () => {
    const name = uniqueMutexName('abandon-dispose');
    await using peer = Peer.start('mutex-hold', { name, release: 'abandon' });
    await peer.next('locked');
    using mutex = NamedMutex.openOrCreate(name);
    peer.send('dispose');
    await peer.next('closed');
    expect(mutex.lock(10_000)).toBe('abandoned'); // from the isAbandoned byte, not a dead owner
    mutex.unlock();
  });
});
