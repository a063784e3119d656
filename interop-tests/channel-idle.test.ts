// Channels at rest and in request/response (.NET 10 Peer): with both sides waiting, CPU use
// is measured (from /proc/<pid>/stat and process.cpuUsage) and printed, and round-trip times
// through two channels are printed. Nothing here asserts a time: the machine is shared.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Channel } from '../ts/channel/channel.js';
import { Peer } from './peer.js';
import { uniqueNames } from '../ts/test-support/unique-names.js';

const uniq = uniqueNames('twinmap-it', (name) => Channel.unlink(name));

/** utime + stime of a process in clock ticks (normally 100 per second). */
function cpuTicks(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

describe('channels idle and in request/response, Node <-> .NET', () => {
  it('idle: a .NET reader waiting, a .NET writer blocked on a full ring, Node waiting: CPU use near zero (printed)', async () => {
    const a = uniq('idle-a');
    const b = uniq('idle-b');
    const c = uniq('idle-c');
    using chanA = Channel.create(a, { capacity: 4096 });
    using rxB = Channel.create(b, { capacity: 4096 });
    using rxC = Channel.create(c, { capacity: 4096 });
    expect(rxC.tryReceive()).toBeUndefined();
    await using reader = Peer.start('channel-idle', { name: a });
    await reader.next('ready');
    await using writer = Peer.start('channel-send', { name: c, count: 100, writer: 0, seed: 1, minSize: 1000, maxSmall: 1000, maxLarge: 1000, timeoutMs: 60_000 });
    await writer.next('ready');
    const pending = rxB.receiveAsync(10_000); // Node waits too
    await new Promise((r) => setTimeout(r, 500)); // everyone settles into the kernel
    const seconds = 3;
    const r0 = cpuTicks(reader.pid);
    const w0 = cpuTicks(writer.pid);
    const n0 = process.cpuUsage();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const readerMs = (cpuTicks(reader.pid) - r0) * 10;
    const writerMs = (cpuTicks(writer.pid) - w0) * 10;
    const n = process.cpuUsage(n0);
    const nodeMs = (n.user + n.system) / 1000;
    console.log(
      `idle for ${seconds} s: .NET reader ${readerMs} ms CPU (${((readerMs / seconds) / 10).toFixed(2)} %), ` +
        `.NET writer blocked on a full ring ${writerMs} ms (${((writerMs / seconds) / 10).toFixed(2)} %), ` +
        `Node test process (waiting on a channel, plus vitest) ${nodeMs.toFixed(0)} ms (${((nodeMs / seconds) / 10).toFixed(2)} %)`,
    );
    // Still alive and responsive after idling: one record reaches the .NET reader.
    using tx = Channel.open(a);
    tx.send(Uint8Array.of(1));
    await new Promise((r) => setTimeout(r, 200));
    reader.send('quit');
    expect(await reader.next('done')).toMatchObject({ got: 1 });
    rxB.close();
    await expect(pending).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('round trips: Node -> .NET -> Node through two channels (printed, for spinning and for sleeping receivers)', async () => {
    for (const spinMicros of [50, 0]) {
      const ping = uniq('ping');
      const pong = uniq('pong');
      using tx = Channel.create(ping, { capacity: 65536 });
      using rx = Channel.create(pong, { capacity: 65536, spinMicros });
      expect(rx.tryReceive()).toBeUndefined();
      const n = spinMicros === 0 ? 5000 : 50_000;
      await using echo = Peer.start('channel-echo', { in: ping, out: pong, count: n });
      await echo.next('ready');
      const msg = new Uint8Array(64);
      const times = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        new DataView(msg.buffer).setUint32(0, i, true);
        const t0 = performance.now();
        tx.send(msg, 10_000);
        const back = rx.receiveView(10_000);
        times[i] = performance.now() - t0;
        expect(back).toBeDefined();
        if (new DataView(back!.buffer, back!.byteOffset).getUint32(0, true) !== i) throw new Error(`echo ${i} came back out of order`);
      }
      await echo.next('done');
      const sorted = Array.from(times.subarray(Math.floor(n / 10))).sort((x, y) => x - y); // skip warm-up
      const q = (p: number) => (sorted[Math.floor(p * (sorted.length - 1))]! * 1000).toFixed(1);
      console.log(`channel round trip, 64 B, Node -> .NET echo -> Node, Node spin ${spinMicros} µs (.NET spins 50 µs): median ${q(0.5)} µs, p99 ${q(0.99)} µs over ${sorted.length}`);
    }
  });
});
