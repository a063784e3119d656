// Reliability: waits that must end (worker.terminate()), timeouts too large for the clocks, and
// native threads that outlive the mapping they work in.
import { execFileSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NamedEvent } from '../event/named-event.js';
import { NamedMutex } from '../mutex/named-mutex.js';
import { repoRoot, runNode, uniqueName } from './support.js';

const dist = join(repoRoot, 'dist', 'ts', 'index.js');

beforeAll(() => {
  execFileSync('npx', ['tsc', '-p', join(repoRoot, 'tsconfig.build.json')], { cwd: repoRoot, stdio: 'inherit' });
}, 120_000);

/** A worker running `body` (an ES module; `lib` is the compiled library); resolves on its first message. */
function worker(body: string): { worker: Worker; ready: Promise<unknown>; exit: Promise<number> } {
  const w = new Worker(`import * as lib from ${JSON.stringify(dist)}; import { parentPort } from 'node:worker_threads';\n${body}`, { eval: true });
  const ready = new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  const exit = new Promise<number>((resolve) => w.once('exit', resolve));
  return { worker: w, ready, exit };
}

describe('worker.terminate() ends a blocking wait', () => {
  it('a worker blocked in NamedEvent.wait() (no timeout) terminates; the process lives on', async () => {
    const name = uniqueName('ev-term');
    using ev = NamedEvent.create(name, { autoReset: false });
    const w = worker(`const e = lib.NamedEvent.open(${JSON.stringify(name)}); parentPort.postMessage('waiting'); e.wait(); parentPort.postMessage('woke');`);
    expect(await w.ready).toBe('waiting');
    await new Promise((r) => setTimeout(r, 100)); // let it block in the kernel
    await w.worker.terminate();
    expect(await w.exit).toBe(1);
    expect(ev.isSet).toBe(false); // nobody set it: the wait ended because the worker did
    NamedEvent.unlink(name);
  });

  it('a worker blocked in NamedMutex.lock() (no timeout) terminates without aborting the process; the lock stays usable', () => {
    // Terminated while blocked, then the holder lets go during the teardown: the lock the worker
    // may have taken meanwhile is released, not abandoned, and nothing aborts the process.
    const name = uniqueName('mx-term');
    const r = runNode(`
      import { Worker } from 'node:worker_threads';
      import * as lib from ${JSON.stringify(dist)};
      const m = lib.NamedMutex.openOrCreate(${JSON.stringify(name)});
      m.lock();
      const w = new Worker(${JSON.stringify(`import * as lib from ${JSON.stringify(dist)}; import { parentPort } from 'node:worker_threads'; const m = lib.NamedMutex.openOrCreate(${JSON.stringify(name)}); parentPort.postMessage('locking'); m.lock(); parentPort.postMessage('locked');`)}, { eval: true });
      await new Promise((r) => w.once('message', r));
      await new Promise((r) => setTimeout(r, 150));
      const ended = w.terminate();
      await new Promise((r) => setTimeout(r, 20));
      m.unlock();
      console.log('exit ' + await ended);
      console.log(m.lock(2000));
      m.unlock(); m.close();`);
    expect(r.stderr).not.toMatch(/FATAL ERROR/);
    expect(r.signal).toBeNull();
    expect(r.stdout.trim().split('\n')).toEqual(['exit 1', 'acquired']);
  });

  it('a worker blocked in NamedMutex.lock(timeout) whose timeout passes during terminate() does not abort the process', () => {
    // The throw of a lock error while the environment is torn down used to be a FATAL ERROR.
    const name = uniqueName('mx-term2');
    const inner = (ms: number) => `import * as lib from ${JSON.stringify(dist)}; lib.NamedMutex.openOrCreate(${JSON.stringify(name)}).lock(${ms});`;
    const r = runNode(`
      import { Worker } from 'node:worker_threads';
      import * as lib from ${JSON.stringify(dist)};
      const m = lib.NamedMutex.openOrCreate(${JSON.stringify(name)});
      m.lock();
      const sources = ${JSON.stringify([50, 70, 90, 110, 130].map(inner))};
      for (let i = 0; i < sources.length; i++) {
        const w = new Worker(sources[i], { eval: true });
        w.on('error', () => {});
        await new Promise((r) => setTimeout(r, 60 + i * 20));
        await w.terminate();
      }
      m.unlock(); m.close();
      console.log('alive');`);
    expect(r.stderr).not.toMatch(/FATAL ERROR/);
    expect(r.signal).toBeNull();
    expect(r.stdout.trim()).toBe('alive');
  });
});

describe('huge finite timeouts mean "no limit"', () => {
  it('lockAsync(1e13) waits for the holder instead of timing out at once', async () => {
    const name = uniqueName('mx-huge');
    using holder = NamedMutex.openOrCreate(name);
    const waiterDone: string[] = [];
    const child = worker(`const m = lib.NamedMutex.openOrCreate(${JSON.stringify(name)}); m.lock(); parentPort.postMessage('held'); setTimeout(() => { m.unlock(); m.close(); parentPort.postMessage('released'); }, 300);`);
    expect(await child.ready).toBe('held');
    const result = await holder.lockAsync(1e13);
    waiterDone.push(result);
    expect(waiterDone).toEqual(['acquired']);
    holder.unlock();
    await child.worker.terminate();
  });

  it('lock(1e13) on the main thread waits for a holder: acquired, no pthread EINVAL', async () => {
    const name = uniqueName('mx-huge2');
    using m = NamedMutex.openOrCreate(name);
    for (const timeout of [1e13, Number.MAX_VALUE]) {
      const holder = worker(`const m = lib.NamedMutex.openOrCreate(${JSON.stringify(name)}); m.lock(); parentPort.postMessage('held'); setTimeout(() => { m.unlock(); m.close(); }, 200);`);
      expect(await holder.ready).toBe('held');
      expect(m.lock(timeout)).toBe('acquired'); // blocks this thread until the worker lets go
      m.unlock();
      await holder.worker.terminate();
    }
  });

  it('NamedEvent.wait(1e300) on a set event returns true; an unset one waits (no untyped EINVAL)', async () => {
    const name = uniqueName('ev-huge');
    using ev = NamedEvent.create(name, { autoReset: true });
    ev.set();
    expect(ev.wait(1e300)).toBe(true);
    setTimeout(() => ev.set(), 100);
    expect(await ev.waitAsync(1e300)).toBe(true);
    NamedEvent.unlink(name);
  });
});

describe('native threads keep the pages they work in mapped', () => {
  it('a MutexHolder and a FutexWaiter outlive Mapping.unmap() without a crash', () => {
    const r = runNode(`
      import { createRequire } from 'node:module';
      import { openSync, ftruncateSync, unlinkSync } from 'node:fs';
      const native = createRequire(import.meta.url)(process.env.TWINMAP_ADDON ?? './build/Release/twinmap.node');
      const path = '/dev/shm/${uniqueName('pin')}';
      const fd = openSync(path, 'w+'); ftruncateSync(fd, 4096); unlinkSync(path);
      const m = new native.Mapping(fd, 4096, true);
      native.mutexInit(m.buffer, 64);
      const events = [];
      const h1 = new native.MutexHolder(m.buffer, 64, -1, (k) => {
        events.push('h1 ' + k);
        // h2 waits in timedlock slices on the mutex while the mapping is unmapped under it
        const h2 = new native.MutexHolder(m.buffer, 64, -1, (k2) => { events.push('h2 ' + k2); h2.release(); console.log(events.join(',')); });
        setTimeout(() => { m.unmap(); events.push('unmapped ' + m.mapped); setTimeout(() => h1.release(), 300); }, 50);
      });
      // a waiter spinning on a word of the unmapped pages
      const w = new native.FutexWaiter(m.buffer, 0);
      w.wait(0, -1, (res) => { events.push('waiter ' + res); w.close(); }, 2e6);
      setTimeout(() => w.cancel(), 200);`);
    expect(r.signal).toBeNull();
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('h1 locked,unmapped false,waiter cancelled,h2 locked');
  });
});
