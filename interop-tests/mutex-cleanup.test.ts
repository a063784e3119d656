// Issue 2, test 7: clean-up with .NET 10 (net10 layout). Whichever side closes last deletes the
// file under /tmp/.dotnet/shm; while either side has it open, it stays.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedMemoryPath } from '../ts/mutex/dotnet-shm.js';
import { NamedMutex } from '../ts/mutex/named-mutex.js';
import { parseName } from '../ts/names.js';
import { uniqueMutexName } from './mutex-helpers.js';
import { Peer } from './peer.js';

describe('named mutex clean-up with .NET 10 (net10 layout)', () => {
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
