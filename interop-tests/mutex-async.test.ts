// The C# NamedMutex.LockAsync against Node: it waits without blocking (its owner thread waits),
// takes the lock when Node lets go, reports Node's death as abandoned, and its Unlock (from
// another thread than the one that called LockAsync) really frees the lock.
import { beforeAll, describe, expect, it } from 'vitest';
import { NamedMutex } from '../ts/mutex/named-mutex.js';
import { buildDist, startNodeChild, uniqueMutexName } from './mutex-helpers.js';
import { Peer } from './peer.js';

beforeAll(buildDist);

describe('C# NamedMutex.LockAsync with Node (net10 layout)', () => {
  it('Node holds it: .NET LockAsync waits, gets it when Node unlocks, and its Unlock frees it', async () => {
    const name = uniqueMutexName('cs-async');
    using mutex = NamedMutex.openOrCreate(name);
    expect(mutex.lock()).toBe('acquired');
    await using peer = Peer.start('mutex-lock-async', { name });
    expect((await peer.next('waiting'))['completed']).toBe(false);
    mutex.unlock();
    expect((await peer.next('locked'))['result']).toBe('acquired');
    expect(mutex.tryLock()).toBe('timeout'); // .NET's owner thread holds it
    peer.send('release');
    await peer.next('released');
    expect(mutex.tryLock()).toBe('acquired');
    mutex.unlock();
    peer.send('close');
    await peer.next('closed');
  });

  it("Node is SIGKILLed holding it: .NET LockAsync reports abandoned and owns it", async () => {
    const name = uniqueMutexName('cs-async-abandon');
    await using child = startNodeChild(name, 'lock');
    expect((await child.next('locked'))['result']).toBe('acquired');
    await using peer = Peer.start('mutex-lock-async', { name });
    expect((await peer.next('waiting'))['completed']).toBe(false);
    await child.kill();
    expect((await peer.next('locked'))['result']).toBe('abandoned');
    using mutex = NamedMutex.openOrCreate(name);
    expect(mutex.tryLock()).toBe('timeout');
    peer.send('release');
    await peer.next('released');
    expect(mutex.tryLock()).toBe('acquired'); // consistent again, reported once
    mutex.unlock();
    peer.send('close');
    await peer.next('closed');
  });

  it('Node holds it past the timeout: .NET LockAsync(200) completes with timeout', async () => {
    const name = uniqueMutexName('cs-async-timeout');
    using mutex = NamedMutex.openOrCreate(name);
    expect(mutex.lock()).toBe('acquired');
    await using peer = Peer.start('mutex-lock-async', { name, timeout: 200 });
    expect((await peer.next('locked'))['result']).toBe('timeout');
    mutex.unlock();
    peer.send('');
    peer.send('');
    await peer.next('closed');
  });
});
