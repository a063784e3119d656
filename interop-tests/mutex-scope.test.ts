// Scopes with .NET 10 (net10 layout). The Peer runs under `setsid`, in another
// session, as a service started elsewhere (systemd, pm2) would: `Global\` names meet across
// sessions, `Local\` (and unprefixed) names are per session.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { currentSessionId, sharedMemoryPath } from '../ts/mutex/dotnet-shm.js';
import { NamedMutex } from '../ts/mutex/named-mutex.js';
import { parseName } from '../ts/names.js';
import { finishHold, uniqueMutexName } from './mutex-helpers.js';
import { Peer } from './peer.js';

describe('named mutex scopes with .NET 10 (net10 layout)', () => {
  it('a Global\\ name meets a Peer in another session', async () => {
    const name = `Global\\${uniqueMutexName('scope-g')}`;
    await using peer = Peer.start('mutex-hold', { name }, { setsid: true });
    const opened = await peer.next('opened');
    expect(opened['sid']).not.toBe(currentSessionId());
    await peer.next('locked');
    expect(existsSync(sharedMemoryPath(parseName(name)))).toBe(true);
    expect(sharedMemoryPath(parseName(name))).toMatch(/^\/tmp\/\.dotnet\/shm\/global\//);
    using mutex = NamedMutex.open(name);
    expect(mutex.createdNew).toBe(false);
    expect(mutex.tryLock()).toBe('timeout');
    await finishHold(peer, true);
    expect(mutex.tryLock()).toBe('acquired');
    mutex.unlock();
  });

  it('a Global\\ name Node holds is seen by a Peer in another session', async () => {
    const name = `Global\\${uniqueMutexName('scope-g2')}`;
    using mutex = NamedMutex.create(name);
    expect(mutex.lock()).toBe('acquired');
    await using peer = Peer.start('mutex-hold', { name, timeout: 0 }, { setsid: true });
    expect((await peer.next('opened'))['createdNew']).toBe(false);
    expect((await peer.next('locked'))['result']).toBe('timeout');
    await finishHold(peer, false);
    mutex.unlock();
  });

  for (const prefix of ['Local\\', '']) {
    it(`a ${prefix === '' ? 'name without prefix' : 'Local\\ name'} does not meet a Peer in another session`, async () => {
      const base = uniqueMutexName('scope-l');
      const name = `${prefix}${base}`;
      await using peer = Peer.start('mutex-hold', { name }, { setsid: true });
      const opened = await peer.next('opened');
      await peer.next('locked');
      // The Peer's file lives under its own session directory, not ours.
      expect(existsSync(`/tmp/.dotnet/shm/session${String(opened['sid'])}/${base}`)).toBe(true);
      expect(() => NamedMutex.open(name)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
      using mutex = NamedMutex.openOrCreate(name);
      expect(mutex.createdNew).toBe(true);
      expect(mutex.tryLock()).toBe('acquired'); // a different mutex: the Peer still holds its own
      mutex.unlock();
      await finishHold(peer, true);
      expect(existsSync(`/tmp/.dotnet/shm/session${String(opened['sid'])}/${base}`)).toBe(false);
    });
  }
});
