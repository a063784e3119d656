// Channels between Node and the .NET Peer (.NET 10): 10^6 records of random sizes each way
// (1 B to more than half the ring), each checked (checksum, per-writer sequence), several
// writers (Node and .NET mixed) into one reader, 100 .NET writers killed mid-stream, a killed
// .NET reader and garbage headers.
// Rates are printed, not asserted.
import { rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Channel } from '../ts/channel/channel.js';
import { fill, OrderCheck, Sizes } from '../ts/test-support/channel-records.js';
import { Peer } from './peer.js';
import { channelPeerScenarios, type ChannelPeerContext } from '../ts/test-support/channel-peer-scenarios.js';
import { uniqueNames } from '../ts/test-support/unique-names.js';

const CAPACITY = 64 * 1024;
const MAX_LARGE = 40 * 1024; // > half the ring
const N = 1_000_000;

const uniq = uniqueNames('twinmap-it', (name) => Channel.unlink(name));

function rate(what: string, count: number, bytes: number, ms: number): void {
  console.log(`${what}: ${count} records, ${(bytes / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms = ${((count / ms) * 1000 / 1e6).toFixed(2)} M records/s, ${(bytes / 1e3 / ms).toFixed(1)} MB/s`);
}

// The scenarios the Wine suite registers too (ts/test-support/channel-peer-scenarios.ts).
const linux: ChannelPeerContext = {
  name: (tag) => uniq(tag),
  startPeer: (command, args) => Peer.start(command, args),
  peerStartMs: 30_000,
  records: N,
  capacity: CAPACITY,
  maxSmall: 256,
  maxLarge: MAX_LARGE,
  writerKills: Number(process.env['TWINMAP_KILLS'] ?? 100),
  makeSection(name, bytes) {
    const path = `/dev/shm/${name}`;
    writeFileSync(path, bytes, { mode: 0o600 });
    return { [Symbol.dispose]: () => rmSync(path, { force: true }) };
  },
  report: rate,
};

describe('channel streams, Node <-> .NET', () => {
  for (const s of channelPeerScenarios) it(s.title(linux), () => s.run(linux), 240_000);

  it('batches both ways: Node sendMany -> .NET ReceiveMany, .NET SendMany -> Node receiveMany, 200000 records each, none lost, none twice, in order', async () => {
    const n = 200_000;
    const n2d = uniq('n2d-many');
    {
      using tx = Channel.create(n2d, { capacity: CAPACITY });
      await using peer = Peer.start('channel-receive', { name: n2d, count: n, writers: 1, batch: 50, timeoutMs: 30_000 });
      await peer.next('ready');
      const sizes = new Sizes(5, 1, 256, MAX_LARGE);
      let bytes = 0;
      for (let i = 0; i < n; ) {
        const batch: Uint8Array[] = [];
        for (let k = 0; k < 33 && i < n; k++, i++) {
          const rec = new Uint8Array(sizes.nextSize());
          fill(rec, 0, i);
          batch.push(rec);
          bytes += rec.length;
        }
        tx.sendMany(batch, 30_000);
      }
      expect(await peer.next('done', 120_000)).toMatchObject({ received: n, bytes });
    }
    const d2n = uniq('d2n-many');
    using rx = Channel.create(d2n, { capacity: CAPACITY });
    expect(rx.tryReceive()).toBeUndefined(); // attach as the reader
    await using peer = Peer.start('channel-send', { name: d2n, count: n, writer: 0, seed: 13, minSize: 1, maxSmall: 256, maxLarge: MAX_LARGE, batch: 40, timeoutMs: 30_000 });
    await peer.next('ready');
    const order = new OrderCheck(0);
    for (let got = 0; got < n; ) {
      const rs = rx.receiveMany(64, 30_000);
      if (rs.length === 0) throw new Error(`record ${got} did not come within 30 s`);
      for (const r of rs) order.accept(r);
      got += rs.length;
    }
    expect(await peer.next('done', 60_000)).toMatchObject({ sent: n, bytes: order.bytes });
    expect(order.next.get(0)).toBe(n);
  });

  it('several writers (2 .NET processes + 2 Node handles) into one .NET reader: every record once, in order per writer', async () => {
    const name = uniq('mw');
    const per = 100_000;
    using chan = Channel.create(name, { capacity: CAPACITY });
    await using reader = Peer.start('channel-receive', { name, count: 4 * per, writers: 4, timeoutMs: 30_000 });
    await reader.next('ready');
    const dotnet = [2, 3].map((writer) =>
      Peer.start('channel-send', { name, count: per, writer, seed: writer * 101, minSize: 12, maxSmall: 300, maxLarge: MAX_LARGE, timeoutMs: 30_000 }),
    );
    const nodeWriters = [0, 1].map(async (writer) => {
      using tx = Channel.open(name);
      const sizes = new Sizes(writer + 5, 12, 300, MAX_LARGE);
      const buf = new Uint8Array(tx.maxMessageSize);
      for (let i = 0; i < per; i++) {
        const rec = buf.subarray(0, sizes.nextSize());
        fill(rec, writer, i);
        if (!tx.trySend(rec)) await tx.sendAsync(rec, 30_000);
        if ((i & 255) === 0) await new Promise((r) => setImmediate(r)); // let the other Node writer in
      }
    });
    const t0 = performance.now();
    await Promise.all(nodeWriters);
    for (const p of dotnet) await p.next('done', 120_000);
    const done = await reader.next('done', 120_000);
    rate('4 writers -> .NET reader', 4 * per, Number(done['bytes']), performance.now() - t0);
    expect(done).toMatchObject({ received: 4 * per });
    for (const p of dotnet) await p[Symbol.asyncDispose]();
    expect(chan.writers()).toEqual([]); // every writer freed its slot
  });
});
