// A plain .NET app (dotnet/Twinmap.BclApp: `new Mutex(false, name)` and
// MemoryMappedFile.CreateFromFile, nothing else) and Node with twinmap, on the .NET runtime that
// TWINMAP_DOTNET names (default: the installed .NET 10). `npm run test:matrix` runs this file on
// .NET 8, 9, 10, 11 and 11 with the global-scope switch. Where Node opens the name first it passes
// the dotnet option that meets that runtime (testDotnet: 'net11' for .NET 11's default scope);
// where the app opens it first, Node finds it without the option.
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NamedMutex } from '../ts/mutex/named-mutex.js';
import { buildDist, counterFile, nodeCount, startNodeChild, testDotnet, uniqueMutexName } from './mutex-helpers.js';
import { Peer, dotnetRuntime, repoRoot } from './peer.js';

const runtime = dotnetRuntime ? `.NET ${dotnetRuntime.id} (${dotnetRuntime.pin.runtime})` : 'the installed .NET';
const dotnetMajor = dotnetRuntime ? Number(dotnetRuntime.pin.runtime.split('.')[0]) : 10;
const N = 5000;
const app = { app: 'bclapp' } as const;

beforeAll(buildDist);


describe(`a plain .NET app (Mutex, MemoryMappedFile) and Node on ${runtime}`, () => {
  it(`excludes each other: 2 x ${N} locked increments on one counter give exactly ${2 * N}`, async () => {
    const name = uniqueMutexName('bcl-count');
    using counter = counterFile();
    using mutex = NamedMutex.openOrCreate(name, { dotnet: testDotnet });
    await using dotnet = Peer.start('count', { name, file: counter.path, iterations: N, inside: 100 }, app);
    await dotnet.next('ready');
    dotnet.send('go');
    const mine = nodeCount(mutex, counter.view, { n: N, other: 'the .NET app', workInside: 64, turnEvery: 8 });
    const done = await dotnet.next('done');
    expect(counter.view.getInt32(0, true)).toBe(2 * N);
    expect(mine.abandoned + Number(done['abandoned'])).toBe(0);
    // Both sides saw the other move the counter: they really took turns on one lock.
    expect(mine.interleaved + Number(done['interleaved']), JSON.stringify({ mine, done })).toBeGreaterThan(0);
    await dotnet.exited;
  });

  it('the app is SIGKILLed holding the mutex: Node gets abandoned, then owns it', async () => {
    const name = uniqueMutexName('bcl-kill');
    await using dotnet = Peer.start('hold', { name }, app);
    expect((await dotnet.next('locked'))['result']).toBe('acquired');
    using mutex = NamedMutex.openOrCreate(name);
    expect(mutex.tryLock()).toBe('timeout');
    dotnet.kill('SIGKILL');
    await dotnet.exited;
    expect(mutex.lock(10_000)).toBe('abandoned');
    mutex.unlock();
    expect(mutex.lock(1000)).toBe('acquired'); // reported once
    mutex.unlock();
  });

  it('a Node process is SIGKILLed holding the mutex: the app gets AbandonedMutexException', async () => {
    const name = uniqueMutexName('bcl-node-kill');
    await using child = startNodeChild(name, 'lock', testDotnet);
    expect((await child.next('locked'))['result']).toBe('acquired');
    await using dotnet = Peer.start('hold', { name, wait: 1, timeout: 10_000 }, app);
    expect((await dotnet.next('opened'))['createdNew']).toBe(false);
    await child.kill();
    dotnet.send('go');
    expect((await dotnet.next('locked'))['result']).toBe('abandoned');
    dotnet.send('release');
    await dotnet.next('released');
    dotnet.send('exit');
    await dotnet.exited;
  });

  it('a .NET thread ends while holding the mutex: Node gets abandoned', async () => {
    const name = uniqueMutexName('bcl-thread');
    await using dotnet = Peer.start('hold', { name, thread: 1 }, app);
    expect((await dotnet.next('locked'))['result']).toBe('acquired');
    await dotnet.next('thread-ended');
    using mutex = NamedMutex.openOrCreate(name);
    expect(mutex.lock(10_000)).toBe('abandoned'); // the app process is still alive
    mutex.unlock();
    dotnet.send('exit');
    await dotnet.exited;
  });

  it('a Node worker thread ends while holding the mutex: the app gets AbandonedMutexException', async () => {
    const name = uniqueMutexName('bcl-worker');
    await using dotnet = Peer.start('hold', { name, wait: 1, timeout: 10_000 }, app);
    await dotnet.next('opened'); // first: the worker finds the app's mutex without the option
    const worker = new Worker(join(repoRoot, 'interop-tests', 'fixtures', 'mutex-worker.mjs'), { workerData: { name, how: 'lock' } });
    const locked = new Promise<string>((resolve) => worker.on('message', (m: string) => m.startsWith('locked:') && resolve(m)));
    expect(await locked).toBe('locked:acquired');
    await worker.terminate();
    dotnet.send('go');
    expect((await dotnet.next('locked'))['result']).toBe('abandoned');
    dotnet.send('release');
    await dotnet.next('released');
    dotnet.send('exit');
    await dotnet.exited;
  });

  it('Node closes the mutex while holding it: the app gets AbandonedMutexException', async () => {
    const name = uniqueMutexName('bcl-node-close');
    await using child = startNodeChild(name, 'lock', testDotnet);
    await child.next('locked');
    await using dotnet = Peer.start('hold', { name, wait: 1, timeout: 10_000 }, app);
    await dotnet.next('opened');
    child.send('close');
    await child.next('closed');
    dotnet.send('go');
    expect((await dotnet.next('locked'))['result']).toBe('abandoned');
    dotnet.send('release');
    await dotnet.next('released');
    dotnet.send('exit');
    await dotnet.exited;
  });

  // .NET 6-10 abandon a mutex whose last handle is closed while held; .NET 11 keeps it owned by
  // the thread, which still runs, and it is abandoned when that thread or process ends.
  const disposeAbandons = dotnetMajor <= 10;
  it(`the app disposes its Mutex while holding it (process alive): Node gets abandoned ${disposeAbandons ? 'at once' : 'when the app exits'}`, async () => {
    const name = uniqueMutexName('bcl-dispose');
    await using dotnet = Peer.start('hold', { name }, app);
    expect((await dotnet.next('locked'))['result']).toBe('acquired');
    using mutex = NamedMutex.openOrCreate(name);
    dotnet.send('dispose');
    await dotnet.next('closed');
    if (!disposeAbandons) expect(mutex.tryLock()).toBe('timeout');
    if (!disposeAbandons) dotnet.send('exit');
    if (!disposeAbandons) await dotnet.exited;
    expect(mutex.lock(10_000)).toBe('abandoned');
    mutex.unlock();
    if (disposeAbandons) dotnet.send('exit');
    await dotnet.exited;
  });
});
