// Windows node.exe <-> the .NET Peer as a Windows program (net10.0, win-x64, .NET 10.0.x runtime
// pack from NuGet), both under Wine. The Peer uses the BCL as unmodified .NET apps do:
// MemoryMappedFile.CreateNew/OpenExisting by name, new Mutex(false, name), EventWaitHandle.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NamedEvent } from '../ts/event/named-event.js';
import { SharedMap } from '../ts/map/shared-map.js';
import { NamedMutex } from '../ts/mutex/named-mutex.js';
import { Child, startPeer, uniqueName } from './helpers.js';

describe('Windows Node <-> Windows .NET 10 (the Peer under Wine)', () => {
  it('the Peer is a Windows .NET 10 program', async () => {
    const peer = startPeer('ping');
    const ready = await peer.next('ready', 60_000);
    assert.match(String(ready['dotnet']), /^10\./);
    assert.match(String(ready['os']), /Windows/);
    peer.send('');
    await peer.exited;
  });

  it('Node creates a named map and writes; .NET (MemoryMappedFile.OpenExisting) reads it', async () => {
    const name = uniqueName('map');
    using map = SharedMap.create(name, { size: 4096 });
    map.bytes.set([1, 2, 3, 250], 16);
    const peer = startPeer('map-read', { name, offset: 16, length: 4 });
    const read = await peer.next('read', 60_000);
    assert.equal(read['hex'], '010203fa');
    assert.equal((await peer.exited).exitCode, 0);
  });

  it('.NET (MemoryMappedFile.CreateNew) creates and writes; Node opens it and reads', async () => {
    const name = uniqueName('map');
    const peer = startPeer('map-write', { name, create: 1, size: 8192, offset: 100, data: 'cafebabe', hold: 1 });
    await peer.next('written', 60_000);
    using map = SharedMap.open(name);
    assert.equal(map.size, 8192, 'a .NET-made map opens at its whole pages');
    assert.deepEqual([...map.bytes.subarray(100, 104)], [0xca, 0xfe, 0xba, 0xbe]);
    peer.send('');
    await peer.next('closed');
    assert.equal((await peer.exited).exitCode, 0);
  });

  it('a .NET owner killed while holding the mutex: Node gets abandoned, then the lock', async () => {
    const name = uniqueName('mutex');
    using m = NamedMutex.openOrCreate(name);
    const peer = startPeer('mutex-hold', { name });
    assert.equal((await peer.next('locked', 60_000))['result'], 'acquired');
    assert.equal(m.tryLock(), 'timeout');
    await peer.kill();
    assert.equal(m.lock(5000), 'abandoned');
    m.unlock();
  });

  it('a Node owner killed while holding the mutex: .NET gets AbandonedMutexException', async () => {
    const name = uniqueName('mutex');
    using keep = NamedMutex.openOrCreate(name); // keeps the name alive across the child's death
    const child = new Child('child.js', ['named-mutex-hold', name, 'lock']);
    await child.next('locked');
    const peer = startPeer('mutex-hold', { name, mode: 'open', timeout: 20_000 });
    await peer.next('opened', 60_000);
    await child.kill();
    assert.equal((await peer.next('locked', 30_000))['result'], 'abandoned');
    peer.send('');
    await peer.next('released');
    peer.send('');
    assert.equal((await peer.exited).exitCode, 0);
    void keep;
  });

  it('a lock held by .NET times out in Node in about its time; .NET times out against Node', async () => {
    const name = uniqueName('mutex');
    using m = NamedMutex.openOrCreate(name);
    const peer = startPeer('mutex-hold', { name });
    await peer.next('locked', 60_000);
    const t0 = performance.now();
    assert.equal(await m.lockAsync(200), 'timeout');
    const took = performance.now() - t0;
    assert.ok(took >= 150 && took < 5000, `took ${took} ms`);
    peer.send('');
    await peer.next('released');
    peer.send('');
    await peer.exited;
    assert.equal(m.lock(), 'acquired');
    const other = startPeer('mutex-hold', { name, mode: 'open', timeout: 200 });
    assert.equal((await other.next('locked', 60_000))['result'], 'timeout');
    other.send('');
    other.send('');
    await other.exited;
    m.unlock();
  });
});

describe('Windows Node <-> Windows .NET 10: mutual exclusion', () => {
  it('Node and .NET each do 1000 locked read-increment-write cycles on one counter: the count is exact', async () => {
    const name = uniqueName('count');
    const mapName = uniqueName('count-map');
    const n = 1000;
    using map = SharedMap.create(mapName, { size: 12 });
    using m = NamedMutex.openOrCreate(name);
    const peer = startPeer('mutex-count', { name, map: mapName, iterations: n });
    await peer.next('ready', 60_000);
    peer.send('go');
    const dv = map.view;
    const deadline = Date.now() + 20_000;
    while (dv.getInt32(4, true) !== 1) {
      assert.ok(Date.now() < deadline, 'the Peer started');
      await new Promise((r) => setTimeout(r, 1));
    }
    dv.setInt32(8, 1, true);
    for (let i = 0; i < n; i++) {
      assert.equal(i % 2 === 0 ? m.lock() : await m.lockAsync(), 'acquired');
      dv.setInt32(0, dv.getInt32(0, true) + 1, true);
      m.unlock();
    }
    const done = await peer.next('done', 120_000);
    assert.equal(done['abandoned'], 0);
    assert.equal((await peer.exited).exitCode, 0);
    assert.equal(dv.getInt32(0, true), 2 * n);
  });
});

describe('Windows Node NamedEvent <-> .NET 10 EventWaitHandle (the BCL, as an unmodified .NET app uses it)', () => {
  it('.NET creates an auto-reset EventWaitHandle and waits; Node opens it and sets it once', async () => {
    const name = uniqueName('bcl-ev');
    const peer = startPeer('bcl-event', { name, create: 1, action: 'wait', timeout: 20_000 });
    assert.equal((await peer.next('opened', 60_000))['createdNew'], true);
    using ev = NamedEvent.open(name);
    assert.equal(ev.autoReset, true, 'the kind comes from the object .NET made');
    peer.send('go');
    await new Promise((r) => setTimeout(r, 100));
    ev.set();
    assert.equal((await peer.next('woke', 30_000))['signaled'], true);
    assert.equal(ev.isSet, false, 'auto-reset: the .NET wait consumed the signal');
    assert.equal((await peer.exited).exitCode, 0);
  });

  it('Node creates a manual-reset NamedEvent; .NET opens it (EventWaitHandle.OpenExisting) and sets it', async () => {
    const name = uniqueName('bcl-ev');
    using ev = NamedEvent.create(name, { autoReset: false });
    const peer = startPeer('bcl-event', { name, action: 'set' });
    await peer.next('opened', 60_000);
    const woken = ev.waitAsync(20_000);
    peer.send('go');
    await peer.next('set');
    assert.equal(await woken, true);
    assert.equal(ev.isSet, true, 'manual-reset stays set');
    assert.equal((await peer.exited).exitCode, 0);
  });
});

describe("Windows Node NamedEvent <-> .NET twinmap NamedEvent (dotnet/Twinmap's Windows path)", () => {
  it('.NET opens a Node auto-reset event, learns its kind, and wakes once per set', async () => {
    const name = uniqueName('tm-ev');
    using ev = NamedEvent.create(name);
    const peer = startPeer('event-wait', { name, count: 2, timeoutMs: 20_000 });
    assert.equal((await peer.next('ready', 60_000))['autoReset'], true);
    for (let i = 0; i < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      ev.set();
      assert.equal((await peer.next('waited', 30_000))['signalled'], true);
    }
    assert.equal((await peer.exited).exitCode, 0);
  });

  it('.NET sets a Node manual-reset event; Node wakes without blocking its event loop', async () => {
    const name = uniqueName('tm-ev');
    using ev = NamedEvent.create(name, { autoReset: false });
    const peer = startPeer('event-set', { name });
    await peer.next('ready', 60_000);
    const woken = ev.waitAsync(20_000);
    peer.send('set');
    await peer.next('done');
    assert.equal(await woken, true);
    assert.equal(ev.isSet, true);
    peer.send('reset');
    await peer.next('done');
    assert.equal(ev.isSet, false);
    peer.send('quit');
    assert.equal((await peer.exited).exitCode, 0);
  });
});
