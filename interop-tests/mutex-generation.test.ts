// Which tree a live .NET process's named mutex is in, and what twinmap does about it: the .NET
// generation rule (docs/named-mutexes.md, "What changed in .NET 11"). Run against whichever .NET
// the suite runs (TWINMAP_DOTNET: 8, 9, 10 put `new Mutex(false, name)` in /tmp/.dotnet; 11 in the
// per-user tree; 11-global back in /tmp/.dotnet): the Peer opens the mutex as an unmodified app,
// and twinmap must meet it, or refuse with a typed error, never make a second mutex silently.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DotnetGenerationMismatchError } from '../ts/errors.js';
import { inspect } from '../ts/inspect/inspect.js';
import { placementFor } from '../ts/mutex/generation.js';
import { NamedMutex } from '../ts/mutex/named-mutex.js';
import { parseName } from '../ts/names.js';
import { buildDist, counterFile, startNodeChild, testDotnet, uniqueMutexName } from './mutex-helpers.js';
import { Peer } from './peer.js';

beforeAll(buildDist);

const other = testDotnet === 'net10' ? 'net11' : 'net10';
const runtime = process.env['TWINMAP_DOTNET'] ?? '10'; // the installed .NET 10 by default
const runtimeMajor = Number.parseInt(runtime, 10);
const N = 5000;

describe(`.NET generations, live (this run: { dotnet: '${testDotnet}' })`, () => {
  it("finds the app's mutex without the option, and the other generation's option is a typed error naming both files", async () => {
    const name = `Global\\${uniqueMutexName('gen-find')}`;
    await using peer = Peer.start('mutex-hold', { name });
    const locked = await peer.next('locked');
    expect(locked['result']).toBe('acquired');
    const expected = placementFor(parseName(name), testDotnet, undefined).path;
    expect(existsSync(expected)).toBe(true);
    // `twinmap inspect` finds it in that tree, held by the Peer: .NET 6-10 write the OS thread id,
    // .NET 11 its managed thread id (1: the Peer locks on its main thread).
    const seen = inspect(name).mutexes;
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ path: expected, inUse: true, owner: { pid: locked['pid'], alive: true, osThread: runtimeMajor < 11 } });
    expect(seen[0]?.owner?.tid).toBe(runtimeMajor < 11 ? locked['tid'] : 1);
    using mutex = NamedMutex.openOrCreate(name);
    expect(mutex.createdNew).toBe(false);
    expect(mutex.dotnet).toBe(testDotnet);
    expect(mutex.where).toBe(expected);
    expect(mutex.tryLock()).toBe('timeout'); // the very mutex the app holds
    const wrong = placementFor(parseName(name), other, undefined).path;
    for (const open of [() => NamedMutex.openOrCreate(name, { dotnet: other }), () => NamedMutex.open(name, { dotnet: other })]) {
      let caught: unknown;
      try {
        open().close();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(DotnetGenerationMismatchError);
      expect((caught as DotnetGenerationMismatchError).paths).toEqual([wrong, expected]);
      expect((caught as Error).message).toContain(`{ dotnet: '${testDotnet}' }`);
    }
    expect(existsSync(wrong)).toBe(false); // nothing was made where the app never looks
    peer.send('release');
    await peer.next('released');
    expect(mutex.lock(10_000)).toBe('acquired');
    mutex.unlock();
  });

  it(`Node first with { dotnet: '${testDotnet}' }: the app opens that very mutex (OpenExisting) and ${N} + ${N} locked increments give exactly ${2 * N}`, async () => {
    const name = uniqueMutexName('gen-count');
    using counter = counterFile();
    const mutex = NamedMutex.create(name, { dotnet: testDotnet });
    try {
      await using opener = Peer.start('mutex-hold', { name, mode: 'open', timeout: 0 });
      expect((await opener.next('opened'))['createdNew']).toBe(false);
      opener.send('release');
      opener.send('close');
      await opener.exited;
      await using peer = Peer.start('mutex-count', { name, file: counter.path, iterations: N });
      expect((await peer.next('ready'))['createdNew']).toBe(false);
      peer.send('go');
      while (counter.view.getInt32(4, true) !== 1) await new Promise((r) => setTimeout(r, 1));
      counter.view.setInt32(8, 1, true);
      let abandoned = 0;
      for (let i = 0; i < N; i++) {
        if (mutex.lock() === 'abandoned') abandoned++;
        counter.view.setInt32(0, counter.view.getInt32(0, true) + 1, true);
        mutex.unlock();
      }
      const done = await peer.next('done');
      expect(abandoned + Number(done['abandoned'])).toBe(0);
      expect(counter.view.getInt32(0, true)).toBe(2 * N);
      await peer.exited;
    } finally {
      mutex.close();
    }
  });

  it('SIGKILL both ways in that tree: the survivor is told abandoned', async () => {
    const name = uniqueMutexName('gen-kill');
    await using peer = Peer.start('mutex-hold', { name });
    expect((await peer.next('locked'))['result']).toBe('acquired');
    using mutex = NamedMutex.openOrCreate(name, { dotnet: testDotnet });
    peer.kill('SIGKILL');
    await peer.exited;
    expect(mutex.lock(10_000)).toBe('abandoned');
    mutex.unlock();

    await using child = startNodeChild(name, 'lock', testDotnet);
    expect((await child.next('opened'))['path']).toBe(mutex.where);
    expect((await child.next('locked'))['result']).toBe('acquired');
    await using peer2 = Peer.start('mutex-hold', { name, step: 1, timeout: 10_000 });
    expect((await peer2.next('opened'))['createdNew']).toBe(false);
    await child.kill();
    peer2.send('go');
    expect((await peer2.next('locked'))['result']).toBe('abandoned');
    peer2.send('release');
    await peer2.next('released');
  });

  it("the app closes its handle while holding: .NET 6-10 abandon at once, .NET 11 keeps it until the thread ends", async () => {
    const name = uniqueMutexName('gen-close');
    await using peer = Peer.start('mutex-hold', { name, release: 'abandon' });
    expect((await peer.next('locked'))['result']).toBe('acquired');
    using mutex = NamedMutex.openOrCreate(name, { dotnet: testDotnet });
    peer.send('close');
    await peer.next('closed');
    if (runtimeMajor >= 11) {
      // .NET 11: Dispose does not release; the main thread still owns it while the process lives.
      expect(mutex.tryLock()).toBe('timeout');
      peer.send('exit');
      await peer.exited;
      expect(mutex.lock(10_000)).toBe('abandoned'); // the owner died holding it
    } else {
      expect(mutex.lock(10_000)).toBe('abandoned'); // .NET's Abandon(): the flag in the file
      peer.send('exit');
    }
    mutex.unlock();
  });

  // NamedWaitHandleOptions is a .NET 10 API: the app cannot pass it on .NET 8 or 9.
  it.runIf(runtimeMajor >= 10)('currentUserOnly: the app with NamedWaitHandleOptions { CurrentUserOnly = true } is found, and the other generation refused', async () => {
    const name = uniqueMutexName('gen-user');
    await using peer = Peer.start('mutex-hold', { name, userOnly: true });
    expect((await peer.next('locked'))['result']).toBe('acquired');
    // The runtimeconfig switch changes only new Mutex(false, name): CurrentUserOnly on any .NET 11
    // is the per-user tree.
    const generation = runtimeMajor >= 11 ? 'net11' : 'net10';
    const expected = placementFor(parseName(name), generation, true).path;
    using mutex = NamedMutex.open(name, { currentUserOnly: true });
    expect(mutex.where).toBe(expected);
    expect(mutex.dotnet).toBe(generation);
    expect(mutex.tryLock()).toBe('timeout');
    const wrong = generation === 'net10' ? 'net11' : 'net10';
    expect(() => NamedMutex.open(name, { currentUserOnly: true, dotnet: wrong })).toThrow(DotnetGenerationMismatchError);
    peer.send('release');
    await peer.next('released');
  });
});
