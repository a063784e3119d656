// .NET 10's NamedWaitHandleOptions with the net10 layout (only .NET 10 runs here; .NET 11 keeps
// the same paths and modes): `new Mutex(name, new NamedWaitHandleOptions { CurrentUserOnly = ... })`
// keeps its file in /tmp/.dotnet-uid<euid> (dirs 0700, file 0600), and Node meets it with
// NamedMutex options of the same names.
import { chownSync, closeSync, existsSync, mkdirSync, openSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { currentSessionId, scopeDirectory, sharedMemoryPath, shmTree, withCreationLock } from '../ts/mutex/dotnet-shm.js';
import { NamedMutex } from '../ts/mutex/named-mutex.js';
import { native } from '../ts/native.js';
import { parseName } from '../ts/names.js';
import { finishHold, uniqueMutexName } from './mutex-helpers.js';
import { Peer } from './peer.js';

const euid = process.geteuid!();
const userTree = shmTree(true);

describe('user-scoped named mutexes with .NET 10 (NamedWaitHandleOptions, net10 layout)', () => {
  it('the Peer creates with CurrentUserOnly: the file is 0600 in /tmp/.dotnet-uid<euid>, and Node opens the same mutex', async () => {
    const name = uniqueMutexName('user-a');
    await using peer = Peer.start('mutex-hold', { name, userOnly: 'true' });
    expect((await peer.next('opened'))['createdNew']).toBe(true);
    await peer.next('locked');
    const path = `/tmp/.dotnet-uid${euid}/shm/session${currentSessionId()}/${name}`;
    expect(sharedMemoryPath(parseName(name), userTree)).toBe(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`/tmp/.dotnet-uid${euid}/shm`).mode & 0o777).toBe(0o700);
    // Without the option Node looks in the shared tree and finds nothing.
    expect(() => NamedMutex.open(name)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    using mutex = NamedMutex.open(name, { currentUserOnly: true });
    expect(mutex.tryLock()).toBe('timeout');
    await finishHold(peer, true);
    expect(mutex.tryLock()).toBe('acquired');
    mutex.unlock();
    mutex.close();
    expect(existsSync(path)).toBe(false);
  });

  it('Node creates with currentSessionOnly false: the Peer opens Global\\ in the user tree with the same options', async () => {
    const base = uniqueMutexName('user-g');
    using mutex = NamedMutex.create(base, { currentUserOnly: true, currentSessionOnly: false });
    expect(existsSync(`/tmp/.dotnet-uid${euid}/shm/global/${base}`)).toBe(true);
    expect(statSync(`/tmp/.dotnet-uid${euid}/shm/global/${base}`).mode & 0o777).toBe(0o600);
    expect(mutex.lock()).toBe('acquired');
    await using peer = Peer.start('mutex-hold', { name: base, mode: 'open', userOnly: 'true', sessionOnly: 'false', timeout: 0 });
    await peer.next('opened');
    expect((await peer.next('locked'))['result']).toBe('timeout');
    await finishHold(peer, false);
    mutex.unlock();
  });

  it('a user-scoped name and the same name without options are two different mutexes', async () => {
    const name = uniqueMutexName('user-two');
    using shared = NamedMutex.create(name);
    expect(shared.lock()).toBe('acquired');
    await using peer = Peer.start('mutex-hold', { name, userOnly: 'true', timeout: 0 });
    expect((await peer.next('opened'))['createdNew']).toBe(true);
    expect((await peer.next('locked'))['result']).toBe('acquired');
    await finishHold(peer, true);
    shared.unlock();
  });

  it('a user-scoped file that is not private to this user is refused by Node and by .NET', async () => {
    const name = uniqueMutexName('user-bad');
    const parsed = parseName(name);
    const path = sharedMemoryPath(parsed, userTree);
    const bytes = new Uint8Array(4096);
    bytes[0] = 1; // a mutex header, so only the permission check can refuse it
    bytes[1] = 1;
    for (const [what, fix] of [
      ['mode 0644', (p: string) => writeFileSync(p, bytes, { mode: 0o644 })],
      ['another owner', (p: string) => (writeFileSync(p, bytes, { mode: 0o600 }), chownSync(p, euid + 4242, -1))],
    ] as const) {
      const fd = withCreationLock(() => {
        mkdirSync(scopeDirectory(parsed, userTree), { recursive: true, mode: 0o700 });
        fix(path);
        const held = openSync(path, 'r'); // a live user's LOCK_SH, so the file is not stale
        native.flock(held, native.flockOps.LOCK_SH);
        return held;
      }, userTree);
      try {
        expect(() => NamedMutex.open(name, { currentUserOnly: true }), what).toThrow(
          expect.objectContaining({ code: 'PERMISSION', message: expect.stringContaining(path) }),
        );
        await using peer = Peer.start('mutex-hold', { name, mode: 'open', userOnly: 'true' });
        const error = await peer.next('error');
        expect(error['type'], what).toBe('IOException'); // .NET: "One or more system calls failed: fstat(...)"
      } finally {
        closeSync(fd);
        unlinkSync(path);
      }
    }
  });

  it('a prefix that contradicts currentSessionOnly is an InvalidNameError, as .NET throws ArgumentException', async () => {
    expect(() => NamedMutex.openOrCreate('Global\\x', { currentSessionOnly: true })).toThrow(expect.objectContaining({ code: 'INVALID_NAME' }));
    expect(() => NamedMutex.openOrCreate('Local\\x', { currentSessionOnly: false })).toThrow(expect.objectContaining({ code: 'INVALID_NAME' }));
    await using peer = Peer.start('mutex-hold', { name: 'Global\\x', sessionOnly: 'true' });
    expect((await peer.next('error'))['type']).toBe('ArgumentException');
  });
});
