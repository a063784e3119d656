// Bad input for named mutexes, with .NET 10 (net10 layout) looking at the same
// files. Typed errors on our side; nothing crashes or hangs on either side.
import { closeSync, mkdirSync, openSync, unlinkSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadHeaderError, InvalidNameError } from '../ts/errors.js';
import { scopeDirectory, sharedMemoryPath, withCreationLock } from '../ts/mutex/dotnet-shm.js';
import { NamedMutex } from '../ts/mutex/named-mutex.js';
import { native } from '../ts/native.js';
import { parseName } from '../ts/names.js';
import { uniqueMutexName } from './mutex-helpers.js';
import { Peer } from './peer.js';

/** Writes a file where the mutex would be and holds LOCK_SH on it, as a live user would. */
function plant(name: string, bytes: Uint8Array): Disposable {
  const parsed = parseName(name);
  const path = sharedMemoryPath(parsed);
  // Under .NET's creation lock: the last user of any mutex in this session removes the
  // (empty) session directory, so mkdir + write without it can race with that.
  const fd = withCreationLock(() => {
    mkdirSync(scopeDirectory(parsed), { recursive: true, mode: 0o777 });
    writeFileSync(path, bytes, { mode: 0o666 });
    const held = openSync(path, 'r');
    native.flock(held, native.flockOps.LOCK_SH);
    return held;
  });
  return {
    [Symbol.dispose]() {
      closeSync(fd);
      unlinkSync(path);
    },
  };
}

describe('named mutex bad input (.NET 10 checks the same files)', () => {
  it('invalid names are InvalidNameError naming the problem', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['Global\\', /nothing follows the prefix/],
      ['a/b', /'\/' is not allowed/],
      ['Foo\\x', /bad prefix/],
      ['global\\x', /bad prefix/],
      ['..x', /'\.\.' are not allowed/],
      ['x'.repeat(256), /too long: 256 UTF-8 bytes/],
    ];
    for (const [name, why] of cases) {
      let caught: unknown;
      try {
        NamedMutex.openOrCreate(name);
      } catch (e) {
        caught = e;
      }
      expect(caught, name).toBeInstanceOf(InvalidNameError);
      expect((caught as Error).message, name).toMatch(why);
    }
  });

  it('a mutex file with a wrong header: BadHeaderError here, WaitHandleCannotBeOpenedException in .NET', async () => {
    const name = uniqueMutexName('bad-hdr');
    const bytes = new Uint8Array(4096);
    bytes[0] = 1; // type 1 is not a mutex
    bytes[1] = 1;
    using _file = plant(name, bytes);
    expect(() => NamedMutex.openOrCreate(name)).toThrow(BadHeaderError);
    expect(() => NamedMutex.open(name)).toThrow(/header type 1 version 1 at offset 0/);
    const [result] = await Peer.run('mutex-open', { name });
    expect(result).toMatchObject({ event: 'result', openExisting: 'WaitHandleCannotBeOpenedException', create: 'WaitHandleCannotBeOpenedException' });
  });

  it('a wrong version byte is BadHeaderError too', () => {
    const name = uniqueMutexName('bad-ver');
    const bytes = new Uint8Array(4096);
    bytes[1] = 2;
    using _file = plant(name, bytes);
    expect(() => NamedMutex.openOrCreate(name)).toThrow(/version 2/);
  });

  it('a mutex file too short for the layout: BadHeaderError here, an error in .NET', async () => {
    const name = uniqueMutexName('bad-short');
    using _file = plant(name, new Uint8Array([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    expect(() => NamedMutex.openOrCreate(name)).toThrow(/12 bytes, shorter than the 72 bytes/);
    const [result] = await Peer.run('mutex-open', { name });
    expect(result!['openExisting']).toBe('WaitHandleCannotBeOpenedException');
  });
});
