// Clean-up with .NET 10 (net10 layout). Whichever side closes last deletes the
// file under /tmp/.dotnet/shm; while either side has it open, it stays.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedMemoryPath } from '../ts/mutex/dotnet-shm.js';
import { NamedMutex } from '../ts/mutex/named-mutex.js';
import { parseName } from '../ts/names.js';
import { buildDist, finishHold, startNodeChild, uniqueMutexName } from './mutex-helpers.js';
import { Peer } from './peer.js';

beforeAll(buildDist);

describe('named mutex clean-up with .NET 10 (net10 layout)', () => {
  it('a Node process that exits without closing still deletes the file (last user)', async () => {
    const name = uniqueMutexName('clean-exit');
    const path = sharedMemoryPath(parseName(name));
    await using child = startNodeChild(name, 'lock');
    await child.next('locked');
    expect(existsSync(path)).toBe(true);
    child.send('unlock');
    await child.next('unlocked');
    child.send('exit');
    await child.exited;
    expect(existsSync(path)).toBe(false);
  });

  it('a Node process that exits holding it: .NET gets AbandonedMutexException, then the file goes', async () => {
    const name = uniqueMutexName('clean-exit-held');
    const path = sharedMemoryPath(parseName(name));
    await using child = startNodeChild(name, 'lock');
    await child.next('locked');
    await using peer = Peer.start('mutex-hold', { name, step: 1, timeout: 10_000 });
    await peer.next('opened');
    child.send('exit');
    await child.exited;
    peer.send('go');
    expect((await peer.next('locked'))['result']).toBe('abandoned');
    await finishHold(peer, true);
    expect(existsSync(path)).toBe(false);
  });

  for (const last of ['node', 'peer'] as const) {
    it(`no file is left after both close (${last} closes last)`, async () => {
      const name = uniqueMutexName(`clean-${last}`);
      const path = sharedMemoryPath(parseName(name));
      const mutex = NamedMutex.openOrCreate(name);
      mutex.lock();
      mutex.unlock();
      await using peer = Peer.start('mutex-hold', { name });
      await peer.next('locked');
      peer.send('release');
      await peer.next('released');
      if (last === 'node') {
        peer.send('close');
        await peer.next('closed');
        await peer.exited;
        expect(existsSync(path)).toBe(true);
        mutex.close();
      } else {
        mutex.close();
        expect(existsSync(path)).toBe(true);
        peer.send('close');
        await peer.next('closed');
        await peer.exited;
      }
      expect(existsSync(path)).toBe(false);
    });
  }
});
