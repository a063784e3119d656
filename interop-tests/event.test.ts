// Named events between Node and the .NET Peer (.NET 10, the only runtime on this machine):
// each side sets, the other wakes; auto- and manual-reset; timeouts; and the atomics both
// sides use on a shared word are really atomic across processes.
import { closeSync, ftruncateSync, openSync, unlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NamedEvent } from '../ts/event/named-event.js';
import { native } from '../ts/native.js';
import { Peer } from './peer.js';
import { uniqueNames } from '../ts/test-support/unique-names.js';

const uniq = uniqueNames('twinmap-it', (name) => NamedEvent.unlink(name));

describe('named events, Node <-> .NET', () => {
  it('Node sets an auto-reset event, .NET wakes once per set', async () => {
    const name = uniq('ev');
    using ev = NamedEvent.create(name);
    await using peer = Peer.start('event-wait', { name, count: 2, timeoutMs: 10_000 });
    expect(await peer.next('ready')).toMatchObject({ autoReset: true });
    await new Promise((r) => setTimeout(r, 50)); // let it fall asleep in the kernel
    ev.set();
    expect(await peer.next('waited')).toMatchObject({ signalled: true });
    expect(ev.isSet).toBe(false); // the waiter consumed it
    ev.set();
    expect(await peer.next('waited')).toMatchObject({ signalled: true });
  });

  it('.NET sets, Node waits without blocking its event loop', async () => {
    const name = uniq('ev');
    using ev = NamedEvent.create(name);
    await using peer = Peer.start('event-set', { name });
    await peer.next('ready');
    const waiting = ev.waitAsync(10_000);
    peer.send('set');
    expect(await waiting).toBe(true);
    expect(ev.wait(0)).toBe(false);
    peer.send('quit');
  });

  it('manual-reset releases every waiter and stays set; a wait with no set times out', async () => {
    const name = uniq('ev');
    using ev = NamedEvent.create(name, { autoReset: false });
    ev.set();
    const events = await Peer.run('event-wait', { name, count: 3, timeoutMs: 1000 });
    expect(events.filter((e) => e.event === 'waited').map((e) => e['signalled'])).toEqual([true, true, true]);
    ev.reset();
    const timedOut = await Peer.run('event-wait', { name, count: 1, timeoutMs: 100, async: 1 });
    expect(timedOut.find((e) => e.event === 'waited')).toMatchObject({ signalled: false });
  });

  it('round trips: Node sets ping, .NET sets pong (time reported, not asserted)', async () => {
    const ping = uniq('ping');
    const pong = uniq('pong');
    using evPing = NamedEvent.create(ping);
    using evPong = NamedEvent.create(pong);
    const n = 2000;
    await using peer = Peer.start('event-pong', { ping, pong, count: n });
    await peer.next('ready');
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      evPing.set();
      expect(evPong.wait(10_000)).toBe(true);
    }
    const us = ((performance.now() - t0) * 1000) / n;
    console.log(`named event round trip Node -> .NET -> Node: ${us.toFixed(1)} µs (${n} round trips, both sleep in the kernel)`);
    await peer.next('done');
  });

  it('JS Atomics on the mapping and .NET Interlocked are atomic together (no increment lost)', async () => {
    const path = `/dev/shm/${uniq('atomic')}`;
    const fd = openSync(path, 'w+', 0o600);
    ftruncateSync(fd, 4096);
    const m = new native.Mapping(fd, 4096, true);
    closeSync(fd);
    try {
      const n = 2_000_000;
      await using peer = Peer.start('atomic-add', { path, count: n });
      await peer.next('ready');
      const word = new Int32Array(m.buffer!, 0, 1);
      peer.send('go');
      for (let i = 0; i < n; i++) Atomics.add(word, 0, 1);
      await peer.next('done');
      expect(Atomics.load(word, 0)).toBe(2 * n);
    } finally {
      m.unmap();
      unlinkSync(path);
    }
  });
});
