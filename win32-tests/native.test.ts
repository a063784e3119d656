// The Win32 native layer (native/win32/) on a real Windows node.exe: named and file-backed
// mappings, mutexes (ownership, recursion, abandonment by a killed process), events, errors.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fromOsError, NotFoundError } from '../ts/errors.js';
import { native } from '../ts/native.js';
import { Child, uniqueName } from './helpers.js';

const w = native.win32!;
const dir = mkdtempSync(join(tmpdir(), 'twinmap-win32-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('win32 addon', () => {
  it('is the Windows build, with the ids of this process', () => {
    assert.equal(native.platform, 'win32');
    assert.ok(w, 'exports.win32 is present');
    assert.equal(native.getpid(), process.pid);
    assert.ok(native.gettid() > 0);
    assert.equal(w.allocationGranularity() % native.pageSize(), 0);
  });
});

describe('win32 mappings', () => {
  it('shares a page-file mapping by name with another process, without copying', async () => {
    const name = uniqueName('map');
    const created = w.createFileMapping(null, name, 4096, true);
    assert.equal(created.existed, false);
    const view = new w.MapView(created.handle, true);
    assert.ok(view.length >= 4096);
    const dv = new DataView(view.buffer!);
    dv.setUint32(0, 41, true);
    const child = new Child('child.js', ['map-increment', name]);
    assert.equal((await child.next('done'))['seen'], 41);
    assert.equal((await child.exited).exitCode, 0);
    assert.equal(dv.getUint32(0, true), 42);
    view.unmap();
    created.handle.close();
  });

  it('reports an existing name as existed, and keeps non-ASCII names intact (UTF-16)', () => {
    const name = uniqueName('ünï-名');
    const a = w.createFileMapping(null, name, 4096, true);
    const b = w.createFileMapping(null, name, 4096, true);
    assert.equal(b.existed, true);
    const va = new w.MapView(a.handle, true);
    const vb = new w.MapView(w.openFileMapping(name, false), false);
    new Uint8Array(va.buffer!)[100] = 7;
    assert.equal(new Uint8Array(vb.buffer!)[100], 7);
    for (const x of [va, vb]) x.unmap();
    a.handle.close();
    b.handle.close();
  });

  it('maps a file: writes reach the file, and the file can be opened again', () => {
    const path = join(dir, 'file-backed.bin');
    const file = w.createFile(path, true, 'createNew');
    const section = w.createFileMapping(file, null, 8192, true).handle;
    assert.equal(file.fileSize(), 8192, 'CreateFileMapping grows the file to the size asked');
    const view = new w.MapView(section, true);
    new Uint8Array(view.buffer!).set([1, 2, 3], 10);
    view.flush();
    view.unmap();
    section.close();
    file.close();
    assert.deepEqual([...readFileSync(path).subarray(10, 13)], [1, 2, 3]);
    assert.throws(() => w.createFile(path, true, 'createNew'), { code: 'ERROR_FILE_EXISTS' });
  });

  it('maps a file written by someone else, read-only', () => {
    const path = join(dir, 'given.bin');
    writeFileSync(path, Buffer.from('hello, mapping'));
    const file = w.createFile(path, false, 'openExisting');
    const section = w.createFileMapping(file, null, 0, false).handle;
    const view = new w.MapView(section, false, 0, file.fileSize());
    assert.equal(Buffer.from(view.buffer!).toString(), 'hello, mapping');
    view.unmap();
    section.close();
    file.close();
  });

  it('detaches every view on unmap, so use after unmap reads nothing instead of crashing', () => {
    const h = w.createFileMapping(null, null, 4096, true).handle;
    const view = new w.MapView(h, true);
    const bytes = new Uint8Array(view.buffer!);
    view.unmap();
    view.unmap();
    assert.equal(view.mapped, false);
    assert.equal(bytes.length, 0);
    assert.equal(bytes[0], undefined);
    assert.throws(() => view.flush(), { code: 'ERROR_INVALID_HANDLE' });
    h.close();
    assert.throws(() => new w.MapView(h, true), { code: 'ERROR_INVALID_HANDLE' });
  });

  it('turns Win32 errors into the typed errors of Linux', () => {
    const name = uniqueName('missing');
    let caught: unknown;
    try {
      w.openFileMapping(name, true);
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof Error);
    assert.equal((caught as { code?: string }).code, 'ERROR_FILE_NOT_FOUND');
    assert.equal((caught as { errno?: number }).errno, 2);
    assert.match(caught.message, /OpenFileMappingW ERROR_FILE_NOT_FOUND \(2\).*twinmap-test-missing/);
    const typed = fromOsError(caught, `open map ${name}`);
    assert.ok(typed instanceof NotFoundError);
    assert.equal(typed.osCode, 'ERROR_FILE_NOT_FOUND');
  });

  it('refuses a name that belongs to another kind of object', () => {
    const name = uniqueName('kind');
    const m = w.createMutex(name).handle;
    assert.throws(() => w.createFileMapping(null, name, 4096, true), /ERROR_INVALID_HANDLE.*another kind of object/);
    m.close();
  });
});

describe('win32 mutexes', () => {
  it('is recursive for its owner thread and refuses release by a non-owner', () => {
    const name = uniqueName('mutex');
    const created = w.createMutex(name);
    assert.equal(created.existed, false);
    const m = created.handle;
    assert.equal(m.wait(0), 'signaled');
    assert.equal(m.wait(0), 'signaled');
    m.releaseMutex();
    m.releaseMutex();
    assert.throws(() => m.releaseMutex(), (e: unknown) => fromOsError(e, 'unlock').code === 'NOT_OWNER');
    m.close();
  });

  it('waitAsync acquires on its own thread: the JS thread then times out until it is released there', async () => {
    const m = w.createMutex(uniqueName('mutex')).handle;
    assert.equal(await m.waitAsync(-1), 'signaled');
    assert.equal(m.wait(50), 'timeout');
    assert.throws(() => m.releaseMutex(), { code: 'ERROR_NOT_OWNER' });
    m.releaseMutexOnWaitThread();
    assert.equal(m.wait(0), 'signaled');
    m.releaseMutex();
    m.close();
  });

  it('reports abandoned when the owner process is killed, and the lock is then ours', async () => {
    const name = uniqueName('abandon');
    const m = w.createMutex(name).handle; // keeps the name alive across the child's death
    const child = new Child('child.js', ['mutex-hold', name]);
    assert.equal((await child.next('locked'))['outcome'], 'signaled');
    assert.equal(m.wait(100), 'timeout', 'the child holds it');
    await child.kill();
    assert.equal(m.wait(5000), 'abandoned');
    assert.equal(m.wait(0), 'signaled', 'recursive: we own it now');
    m.releaseMutex();
    m.releaseMutex();
    m.close();
  });

  it('cancelWaitAsync ends a pending async wait with canceled', async () => {
    const name = uniqueName('cancel');
    const m = w.createMutex(name).handle;
    assert.equal(m.wait(0), 'signaled');
    const other = w.openMutex(name);
    const pending = other.waitAsync(-1);
    other.cancelWaitAsync();
    assert.equal(await pending, 'canceled');
    other.close();
    m.releaseMutex();
    m.close();
  });
});

describe('win32 events', () => {
  it('auto-reset: one wait consumes one set', () => {
    const e = w.createEvent(uniqueName('auto'), false, false).handle;
    assert.equal(e.wait(0), 'timeout');
    e.setEvent();
    assert.equal(e.wait(0), 'signaled');
    assert.equal(e.wait(0), 'timeout');
    e.close();
  });

  it('manual-reset: stays set until reset', () => {
    const e = w.createEvent(uniqueName('manual'), true, true).handle;
    assert.equal(e.wait(0), 'signaled');
    assert.equal(e.wait(0), 'signaled');
    e.resetEvent();
    assert.equal(e.wait(10), 'timeout');
    e.close();
  });

  it('wakes another process, and is woken by it, without blocking the event loop', async () => {
    const ping = uniqueName('ping');
    const pong = uniqueName('pong');
    const a = w.createEvent(ping, false, false).handle;
    const b = w.createEvent(pong, false, false).handle;
    const child = new Child('child.js', ['event-echo', ping, pong]);
    await child.next('ready');
    const woken = b.waitAsync(10_000);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await new Promise((r) => setTimeout(r, 50));
    a.setEvent();
    assert.equal((await child.next('woke'))['outcome'], 'signaled');
    assert.equal(await woken, 'signaled');
    clearInterval(timer);
    assert.ok(ticks > 0, 'the event loop ran while waiting');
    assert.equal((await child.exited).exitCode, 0);
    a.close();
    b.close();
  });

  it('times out an async wait', async () => {
    const e = w.createEvent(null, false, false).handle;
    const t0 = Date.now();
    assert.equal(await e.waitAsync(100), 'timeout');
    assert.ok(Date.now() - t0 >= 90);
    e.close();
  });

  it('opening a missing event is NOT_FOUND', () => {
    assert.throws(() => w.openEvent(uniqueName('none')), (e: unknown) => fromOsError(e, 'x') instanceof NotFoundError);
  });
});

describe('win32 teardown', () => {
  it('a worker terminated while its async waits are pending ends cleanly (no crash, no hang)', async () => {
    const { Worker } = await import('node:worker_threads');
    const addon = process.env['TWINMAP_ADDON'];
    assert.ok(addon, 'TWINMAP_ADDON names the Windows addon');
    // Twenty times, some at once and some a moment later: the wait threads' results race the
    // environment's teardown (a result delivered to a tsfn Node already deleted crashed or hung).
    for (let i = 0; i < 20; i++) {
      const worker = new Worker(
        `const { parentPort } = require('node:worker_threads');
         const w = require(${JSON.stringify(addon)}).win32;
         const ev = w.createEvent(null, false, false).handle;
         const ev2 = w.createEvent(null, false, false).handle;
         const m = w.createMutex(null).handle;
         ev.waitAsync(-1);
         ev2.waitAsync(-1);
         m.waitOnThread(0); // held by m's wait thread when the worker dies
         parentPort.postMessage('waiting');`,
        { eval: true },
      );
      await new Promise((resolve) => worker.once('message', resolve));
      if (i % 2 === 1) await new Promise((resolve) => setTimeout(resolve, i % 7));
      assert.equal(await worker.terminate(), 1);
    }
    // The main thread's own handles still work.
    const e = w.createEvent(null, false, true).handle;
    assert.equal(await e.waitAsync(1000), 'signaled');
    e.close();
  });
});

describe('win32 process liveness', () => {
  it('tells a live process from a dead one, and knows when it started', async () => {
    assert.equal(w.processAlive(process.pid), true);
    const started = w.processStartTime(process.pid)!;
    assert.ok(Math.abs(started - (Date.now() - process.uptime() * 1000)) < 60_000, `start time ${new Date(started).toISOString()}`);
    const child = new Child('child.js', ['exit']);
    await child.next('bye');
    const pid = child.pid;
    await child.exited;
    assert.equal(w.processAlive(pid), false);
  });
});
