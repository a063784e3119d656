// NamedEvent (ts/event/) on Windows: the Win32 named-event backend, the same tests as the
// Linux suite (ts/event/named-event.test.ts) where Windows means the same thing, plus two
// node.exe processes waking each other.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TwinmapError } from '../ts/errors.js';
import { NamedEvent } from '../ts/event/named-event.js';
import { native } from '../ts/native.js';
import { Child, uniqueName } from './helpers.js';

describe('NamedEvent on Win32', () => {
  it('auto-reset: one set releases one wait, then the event is clear again', () => {
    const name = uniqueName('ev');
    using ev = NamedEvent.create(name);
    assert.equal(ev.autoReset, true);
    assert.equal(ev.wait(0), false);
    ev.set();
    ev.set();
    assert.equal(ev.isSet, true);
    using other = NamedEvent.open(name);
    assert.equal(other.wait(100), true);
    assert.equal(ev.wait(0), false);
    assert.equal(ev.isSet, false);
  });

  it('manual-reset: stays set for every waiter until reset; open learns the kind from the object', () => {
    const name = uniqueName('ev');
    using ev = NamedEvent.create(name, { autoReset: false });
    using other = NamedEvent.open(name);
    assert.equal(other.autoReset, false);
    ev.set();
    assert.equal(other.wait(0), true);
    assert.equal(other.tryWait(), true);
    ev.reset();
    assert.equal(other.wait(0), false);
  });

  it('a timed wait gives up after about its timeout', () => {
    using ev = NamedEvent.create(uniqueName('ev'));
    const t0 = performance.now();
    assert.equal(ev.wait(50), false);
    const took = performance.now() - t0;
    assert.ok(took >= 45 && took < 2000, `took ${took} ms`);
  });

  it('waitAsync does not block the event loop and wakes on set; concurrent waits each get a wake', async () => {
    const name = uniqueName('ev');
    using ev = NamedEvent.create(name);
    using setter = NamedEvent.open(name);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const p = ev.waitAsync(5000);
    await new Promise((r) => setTimeout(r, 30));
    setter.set();
    assert.equal(await p, true);
    clearInterval(timer);
    assert.ok(ticks > 0, `the event loop ran while waiting (ticks ${ticks}; Wine's timers are coarse)`);
    assert.equal(await ev.waitAsync(20), false);
    const both = [ev.waitAsync(5000), ev.waitAsync(5000)];
    await new Promise((r) => setTimeout(r, 30));
    setter.set();
    setter.set();
    const first = await Promise.race(both);
    assert.equal(first, true);
    await new Promise((r) => setTimeout(r, 30));
    setter.set();
    assert.deepEqual(await Promise.all(both), [true, true]);
  });

  it('waitAsync can be aborted, and close() rejects pending waits', async () => {
    const ev = NamedEvent.create(uniqueName('ev'));
    const ac = new AbortController();
    const p = ev.waitAsync(Infinity, ac.signal);
    setTimeout(() => ac.abort(new Error('stop')), 10);
    await assert.rejects(p, /stop/);
    const q = ev.waitAsync();
    ev.close();
    await assert.rejects(q, { code: 'CLOSED' });
    assert.throws(() => ev.set(), /closed/);
    ev.close();
  });

  it('create of an existing name is ALREADY_EXISTS, open of a missing one is NOT_FOUND', () => {
    const name = uniqueName('ev');
    using ev = NamedEvent.create(name);
    assert.throws(() => NamedEvent.create(name), { code: 'ALREADY_EXISTS' });
    assert.throws(() => NamedEvent.open(uniqueName('ev')), { code: 'NOT_FOUND' });
    using again = NamedEvent.openOrCreate(name, { autoReset: false });
    assert.equal(again.autoReset, ev.autoReset);
  });

  it('passes Local\\ and Global\\ to the kernel unchanged: they name different objects', () => {
    const name = uniqueName('ev');
    using ev = NamedEvent.create(name);
    assert.throws(() => NamedEvent.open(name.replace('Local\\', 'Global\\')), { code: 'NOT_FOUND' });
    using same = NamedEvent.open(name);
    ev.set();
    assert.equal(same.wait(0), true);
  });

  it('a name that holds another kind of object is a typed error, not a crash', () => {
    const name = uniqueName('ev');
    const mutex = native.win32!.createMutex(name).handle;
    assert.throws(() => NamedEvent.create(name), (e: unknown) => e instanceof TwinmapError && /another kind of object/.test(e.message));
    assert.throws(() => NamedEvent.open(name), TwinmapError);
    mutex.close();
  });

  it('rejects a bad timeout and a bad name', () => {
    using ev = NamedEvent.create(uniqueName('ev'));
    assert.throws(() => ev.wait(Number.NaN), TwinmapError);
    assert.throws(() => NamedEvent.create('a/b'), { code: 'INVALID_NAME' });
    assert.equal(NamedEvent.unlink(uniqueName('ev')), false);
  });

  it('two node.exe processes wake each other', async () => {
    const ping = uniqueName('ping');
    const pong = uniqueName('pong');
    using a = NamedEvent.create(ping);
    using b = NamedEvent.create(pong);
    const child = new Child('child.js', ['named-event-echo', ping, pong]);
    await child.next('ready');
    const woken = b.waitAsync(10_000);
    a.set();
    assert.equal((await child.next('woke'))['signaled'], true);
    assert.equal(await woken, true);
    assert.equal((await child.exited).exitCode, 0);
  });
});
