// NamedMutex (ts/mutex/) on Windows: the Win32 backend (ts/mutex/win32.ts) under the same
// process-level logic as on Linux. "Another owner" is a raw Win32 handle waited on by its own
// thread, or a second node.exe process.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { NamedMutex } from '../ts/mutex/named-mutex.js';
import { native } from '../ts/native.js';
import { Child, uniqueName } from './helpers.js';

const w = native.win32!;
const opened: NamedMutex[] = [];
afterEach(() => {
  for (const m of opened.splice(0)) m.close();
});
function track(m: NamedMutex): NamedMutex {
  opened.push(m);
  return m;
}

/** Holds the mutex from another OS thread of this process, like another owner would. */
async function holdElsewhere(name: string): Promise<{ release(): void }> {
  const h = w.openMutex(name);
  assert.equal(await h.waitAsync(-1), 'signaled');
  return {
    release() {
      h.releaseMutexOnWaitThread();
      h.close();
    },
  };
}

describe('NamedMutex on Win32 (one process)', () => {
  it('counts recursion; an unbalanced unlock is NOT_OWNER', () => {
    const m = track(NamedMutex.openOrCreate(uniqueName('rec')));
    assert.equal(m.lock(), 'acquired');
    assert.equal(m.lock(), 'acquired');
    m.unlock();
    assert.equal(m.isHeld, true);
    m.unlock();
    assert.equal(m.isHeld, false);
    assert.throws(() => m.unlock(), { code: 'NOT_OWNER', name: 'NotOwnerError' });
  });

  it('one object per name: "x" and "Local\\\\x" are the same mutex, "Global\\\\x" another', async () => {
    const base = uniqueName('scope', '');
    const a = track(NamedMutex.create(base));
    const b = track(NamedMutex.openOrCreate(`Local\\${base}`));
    assert.equal(b.createdNew, false);
    a.lock();
    assert.equal(b.isHeld, true);
    b.unlock();
    const g = track(NamedMutex.openOrCreate(`Global\\${base}`));
    assert.equal(g.createdNew, true);
  });

  it('times out while another thread holds it: lock(ms), tryLock(), lockAsync(ms)', async () => {
    const name = uniqueName('timeout');
    const m = track(NamedMutex.openOrCreate(name));
    const other = await holdElsewhere(name);
    const t0 = performance.now();
    assert.equal(m.lock(150), 'timeout');
    assert.ok(performance.now() - t0 >= 100);
    assert.equal(m.tryLock(), 'timeout');
    assert.equal(await m.lockAsync(150), 'timeout');
    other.release();
    assert.equal(m.tryLock(), 'acquired');
    m.unlock();
  });

  it('lockAsync() does not block the event loop while it waits', async () => {
    const name = uniqueName('loop');
    const m = track(NamedMutex.openOrCreate(name));
    const other = await holdElsewhere(name);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const p = m.lockAsync();
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(ticks > 0, `timers ran while lockAsync waited (${ticks})`);
    other.release();
    assert.equal(await p, 'acquired');
    clearInterval(timer);
    m.unlock();
  });

  it('withLock / withLockAsync run under the lock and always unlock', async () => {
    const m = track(NamedMutex.openOrCreate(uniqueName('with')));
    assert.equal(m.withLock(() => (m.isHeld ? 42 : 0)), 42);
    assert.equal(m.isHeld, false);
    assert.throws(() => m.withLock(() => { throw new Error('boom'); }), /boom/);
    assert.equal(m.isHeld, false);
    const order: string[] = [];
    await Promise.all([
      m.withLockAsync(async () => { order.push('a1'); await new Promise((r) => setTimeout(r, 20)); order.push('a2'); }),
      m.withLockAsync(async () => { order.push('b1'); order.push('b2'); }),
    ]);
    assert.deepEqual(order, ['a1', 'a2', 'b1', 'b2']);
    assert.equal(m.isHeld, false);
  });

  it('close() while lockAsync waits rejects it with CLOSED', async () => {
    const name = uniqueName('cancel');
    const m = NamedMutex.openOrCreate(name);
    const other = await holdElsewhere(name);
    const p = m.lockAsync();
    m.close();
    await assert.rejects(p, { code: 'CLOSED' });
    other.release();
    assert.throws(() => m.lock(), { code: 'CLOSED' });
  });

  it('lock() while this process waits in lockAsync() is WOULD_DEADLOCK, tryLock() a timeout', async () => {
    const name = uniqueName('dead');
    const m = track(NamedMutex.openOrCreate(name));
    const other = await holdElsewhere(name);
    const p = m.lockAsync();
    assert.throws(() => m.lock(10), { code: 'WOULD_DEADLOCK' });
    assert.equal(m.tryLock(), 'timeout');
    other.release();
    assert.equal(await p, 'acquired');
    m.unlock();
  });

  it("closing the process's last handle while holding abandons it, as .NET's thread exit does", () => {
    const name = uniqueName('close-held');
    const m = NamedMutex.openOrCreate(name);
    const watcher = w.openMutex(name); // keeps the name alive
    assert.equal(m.lock(), 'acquired');
    m.close();
    assert.equal(watcher.wait(2000), 'abandoned');
    watcher.releaseMutex();
    watcher.close();
  });

  it('create / open / openOrCreate: ALREADY_EXISTS and NOT_FOUND; invalid input is typed', () => {
    const name = uniqueName('modes');
    assert.throws(() => NamedMutex.open(name), { code: 'NOT_FOUND' });
    const a = track(NamedMutex.create(name));
    assert.equal(a.createdNew, true);
    assert.throws(() => NamedMutex.create(name), { code: 'ALREADY_EXISTS' });
    track(NamedMutex.open(name));
    for (const bad of ['', 'a/b', 'Global\\', 'global\\x', '..', 'x'.repeat(256)]) {
      assert.throws(() => NamedMutex.openOrCreate(bad), { code: 'INVALID_NAME' });
    }
    assert.throws(() => a.lock(-5), { code: 'INVALID_ARGUMENT' });
  });
});

describe('NamedMutex on Win32 between node.exe processes', () => {
  for (const how of ['lock', 'async']) {
    it(`a killed owner (${how === 'lock' ? 'lock()' : 'lockAsync()'}) is reported as abandoned, and the lock is ours`, async () => {
      const name = uniqueName('abandon');
      const m = track(NamedMutex.openOrCreate(name));
      const child = new Child('child.js', ['named-mutex-hold', name, how]);
      assert.equal((await child.next('locked'))['result'], 'acquired');
      assert.equal(m.tryLock(), 'timeout');
      await child.kill();
      assert.equal(m.lock(5000), 'abandoned');
      assert.equal(m.isHeld, true);
      m.unlock();
      assert.equal(m.tryLock(), 'acquired');
      m.unlock();
    });
  }

  it('a clean unlock by the other process is not abandonment', async () => {
    const name = uniqueName('clean');
    const m = track(NamedMutex.openOrCreate(name));
    const child = new Child('child.js', ['named-mutex-hold', name, 'lock']);
    await child.next('locked');
    const p = m.lockAsync(10_000);
    child.send('go');
    await child.next('released');
    assert.equal(await p, 'acquired');
    m.unlock();
    assert.equal((await child.exited).exitCode, 0);
  });

  it('mutual exclusion: two processes x 1000 locked read-increment-write cycles give an exact count', async () => {
    const mutexName = uniqueName('count-m');
    const mapName = uniqueName('count-map');
    const map = w.createFileMapping(null, mapName, 4096, true);
    const view = new w.MapView(map.handle, true);
    const dv = new DataView(view.buffer!);
    const m = track(NamedMutex.openOrCreate(mutexName));
    const n = 1000;
    const child = new Child('child.js', ['named-mutex-count', mutexName, mapName, String(n)]);
    await child.next('ready');
    child.send('go');
    for (let i = 0; i < n; i++) {
      const r = i % 2 === 0 ? await m.lockAsync() : m.lock();
      assert.equal(r, 'acquired');
      dv.setUint32(0, dv.getUint32(0, true) + 1, true);
      m.unlock();
    }
    await child.next('done', 60_000);
    assert.equal((await child.exited).exitCode, 0);
    assert.equal(dv.getUint32(0, true), 2 * n);
    view.unmap();
    map.handle.close();
  });
});
