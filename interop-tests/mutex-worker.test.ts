// Named mutexes in worker threads (Node only, uses the compiled dist/ like a user would). A
// worker is its own owner thread, and a worker terminated while holding a mutex, or while waiting
// for one, must neither crash the process nor leave the mutex locked for everyone: it is
// reported 'abandoned', as .NET reports a thread that ended holding it.
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedMemoryPath } from '../ts/mutex/dotnet-shm.js';
import { NamedMutex } from '../ts/mutex/named-mutex.js';
import { parseName } from '../ts/names.js';
import { buildDist, uniqueMutexName } from './mutex-helpers.js';
import { repoRoot } from './peer.js';

beforeAll(buildDist);

function startWorker(name: string, how: 'lock' | 'lockAsync'): { worker: Worker; next(): Promise<string> } {
  const worker = new Worker(join(repoRoot, 'interop-tests', 'fixtures', 'mutex-worker.mjs'), { workerData: { name, how } });
  const inbox: string[] = [];
  const waiters: Array<() => void> = [];
  worker.on('message', (m: string) => {
    inbox.push(m);
    for (const w of waiters.splice(0)) w();
  });
  return {
    worker,
    async next() {
      while (inbox.length === 0) await new Promise<void>((r) => waiters.push(r));
      return inbox.shift()!;
    },
  };
}

describe('named mutex in worker threads', () => {
  for (const how of ['lock', 'lockAsync'] as const) {
    it(`a worker terminated while holding it (${how}): the main thread gets 'abandoned', not a hang`, async () => {
      const name = uniqueMutexName(`worker-${how}`);
      using mutex = NamedMutex.openOrCreate(name);
      mutex.lock(); // the worker has to wait for us, then takes it
      const w = startWorker(name, how);
      expect(await w.next()).toBe('opened');
      if (how === 'lockAsync') {
        setTimeout(() => mutex.unlock(), 50);
      } else {
        mutex.unlock(); // a blocking lock() in the worker would otherwise wait for ever
      }
      expect(await w.next()).toBe('locked:acquired');
      expect(mutex.tryLock()).toBe('timeout'); // the worker is a different owner
      await w.worker.terminate();
      expect(mutex.lock(5000)).toBe('abandoned');
      mutex.unlock();
      // The worker's fd (and its shared flock) went with it, so this close is the last and
      // deletes the file.
      mutex.close();
      expect(existsSync(sharedMemoryPath(parseName(name)))).toBe(false);
    });
  }

  it('a worker terminated while its lockAsync() waits: no crash, the lock is unaffected', async () => {
    const name = uniqueMutexName('worker-wait');
    using mutex = NamedMutex.openOrCreate(name);
    mutex.lock();
    const w = startWorker(name, 'lockAsync');
    expect(await w.next()).toBe('opened');
    await new Promise((r) => setTimeout(r, 50));
    await w.worker.terminate();
    mutex.unlock();
    expect(mutex.lock(1000)).toBe('acquired');
    mutex.unlock();
    mutex.close();
    expect(existsSync(sharedMemoryPath(parseName(name)))).toBe(false);
  });
});
