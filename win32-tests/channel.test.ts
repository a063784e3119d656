// Channel (ts/channel/) on Windows: the region is a named section, the futex words wake through
// named semaphores (ts/futex/win32.ts), liveness uses process handles. The same checks as the
// Linux suite where Windows means the same, plus streams between two node.exe processes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Channel } from '../ts/channel/channel.js';
import { native } from '../ts/native.js';
import { Child, uniqueName } from './helpers.js';

describe('Channel on Win32 (one process, two handles)', () => {
  it('delivers records whole and in order, across many wraps of the ring', () => {
    const name = uniqueName('ch');
    using rx = Channel.create(name, { capacity: 4096 });
    using tx = Channel.open(name);
    assert.equal(tx.capacity, 4096);
    let sent = 0;
    let got = 0;
    const sizes: number[] = [];
    for (let i = 0; i < 3000; i++) sizes.push(i % 7 === 0 ? 2500 : (i * 37) % 300);
    while (got < sizes.length) {
      while (sent < sizes.length) {
        if (!tx.trySend(new Uint8Array(sizes[sent]!).fill(sent & 0xff))) break;
        sent++;
      }
      const r = rx.receive(0);
      if (r === undefined) continue;
      assert.equal(r.length, sizes[got]);
      assert.ok(r.every((b) => b === (got & 0xff)));
      got++;
    }
    assert.equal(rx.receive(0), undefined);
  });

  it('refuses a record larger than the ring with TOO_LARGE', () => {
    const name = uniqueName('ch');
    using rx = Channel.create(name, { capacity: 4096 });
    using tx = Channel.open(name);
    assert.throws(() => tx.send(new Uint8Array(4089)), { code: 'TOO_LARGE' });
    void rx;
  });

  it('a full ring: send times out with TIMEOUT; a closed reader makes it PEER_GONE', () => {
    const name = uniqueName('ch');
    using rx = Channel.create(name, { capacity: 4096 });
    using tx = Channel.open(name);
    assert.equal(rx.receive(0), undefined); // attach as the reader
    tx.send(new Uint8Array(4000));
    const t0 = performance.now();
    assert.throws(() => tx.send(new Uint8Array(200), 50), { code: 'TIMEOUT' });
    assert.ok(performance.now() - t0 >= 45);
    rx.close();
    assert.throws(() => tx.send(new Uint8Array(200), 50), { code: 'PEER_GONE' });
  });

  it('async: receiveAsync wakes on a send; sendAsync waits for room', async () => {
    const name = uniqueName('ch');
    using rx = Channel.create(name, { capacity: 4096 });
    using tx = Channel.open(name);
    const p = rx.receiveAsync(5000);
    setTimeout(() => tx.send(Uint8Array.of(1, 2, 3)), 20);
    assert.deepEqual([...(await p)!], [1, 2, 3]);
    assert.equal(await rx.receiveAsync(20), undefined);
    tx.send(new Uint8Array(4000));
    const q = tx.sendAsync(new Uint8Array(500).fill(7), 5000);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(rx.receive(0)!.length, 4000);
    await q;
    assert.equal(rx.receive(1000)![0], 7);
  });

  it('open of a missing channel is NOT_FOUND; garbage in a section is BAD_HEADER, not a hang', () => {
    assert.throws(() => Channel.open(uniqueName('ch')), { code: 'NOT_FOUND' });
    const name = uniqueName('ch');
    const w = native.win32!;
    const section = w.createFileMapping(null, name, 8192, true).handle;
    const view = new w.MapView(section, true);
    new Uint8Array(view.buffer!).fill(0x5a);
    const t0 = Date.now();
    assert.throws(() => Channel.open(name), { code: 'BAD_HEADER' });
    assert.ok(Date.now() - t0 < 3000);
    view.unmap();
    section.close();
  });
});

describe('Channel on Win32 between node.exe processes', () => {
  it('streams 20000 records of random sizes with sequence numbers and checksums, none lost or repeated', async () => {
    const name = uniqueName('ch-stream');
    using rx = Channel.create(name, { capacity: 16384 });
    const n = 20_000;
    const child = new Child('child.js', ['channel-send', name, String(n), '9000']);
    let expected = 0;
    const deadline = Date.now() + 60_000;
    while (expected < n) {
      const r = await rx.receiveAsync(Math.max(1, deadline - Date.now()));
      assert.ok(r !== undefined, `record ${expected} arrived in time`);
      const dv = new DataView(r.buffer, r.byteOffset, r.byteLength);
      assert.equal(dv.getUint32(0, true), expected, 'sequence');
      let sum = 0;
      for (let i = 8; i < r.length; i++) sum = (sum + r[i]!) >>> 0;
      assert.equal(dv.getUint32(4, true), sum, `checksum of record ${expected}`);
      expected++;
    }
    assert.equal((await child.next('sent'))['count'], n);
    assert.equal(await child.exited, 0);
    assert.equal(rx.receive(0), undefined);
  });

  it('a killed writer is noticed as gone, and the channel keeps working', async () => {
    const name = uniqueName('ch-kill');
    using rx = Channel.create(name, { capacity: 8192, peerCheckMs: 50 });
    const child = new Child('child.js', ['channel-send', name, '1000000000', '200']);
    assert.ok((await rx.receiveAsync(20_000)) !== undefined);
    const pid = child.process.pid!;
    assert.ok(rx.writers().includes(pid));
    await child.kill();
    // Drain what it sent; then the dead writer's slot is reaped.
    while ((await rx.receiveAsync(200)) !== undefined) {
      /* drain */
    }
    const gone = rx.checkPeers();
    assert.ok(gone.some((p) => p.role === 'writer' && p.pid === pid) || !rx.writers().includes(pid), 'the dead writer is reaped');
    using tx = Channel.open(name);
    tx.send(Uint8Array.of(42));
    assert.equal(rx.receive(1000)![0], 42);
  });
});
