// Channels between Node and the .NET Peer (.NET 10): 10^6 records of random sizes each way
// (1 B to more than half the ring), each checked (checksum, per-writer sequence), several
// writers (Node handles, Node and .NET processes mixed) into one reader, 100 .NET writers and 20
// Node writer processes killed mid-stream, a killed .NET reader and garbage headers.
// Rates are printed, not asserted.
import { execa } from 'execa';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Channel } from '../ts/channel/channel.js';
import { fill, OrderCheck, Sizes } from '../ts/test-support/channel-records.js';
import { keyValueArgs, PeerProcess } from '../ts/test-support/peer-process.js';
import { Peer, repoRoot } from './peer.js';
import { channelPeerScenarios, type ChannelPeerContext } from '../ts/test-support/channel-peer-scenarios.js';
import { uniqueNames } from '../ts/test-support/unique-names.js';

const CAPACITY = 64 * 1024;
const MAX_LARGE = 40 * 1024; // > half the ring
const N = 1_000_000;

const uniq = uniqueNames('twinmap-it', (name) => Channel.unlink(name));

// The Node writer process (ts/test-support/channel-writer.ts) runs compiled, as under Wine.
const channelWriter = join(repoRoot, 'dist', 'ts', 'test-support', 'channel-writer.js');
beforeAll(() => execa(join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', join(repoRoot, 'ts', 'test-support', 'tsconfig.json')], { cwd: repoRoot }), 180_000);

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
  startNodeWriter: (args) => new PeerProcess(process.execPath, [channelWriter, ...keyValueArgs(args)], { label: 'node channel-writer' }),
  mixedRecords: 100_000,
  nodeWriterKills: 20,
  makeSection(name, bytes) {
    const path = `/dev/shm/${name}`;
    writeFileSync(path, bytes, { mode: 0o600 });
    return { [Symbol.dispose]: () => rmSync(path, { force: true }) };
  },
  report: rate,
  note: (line) => console.log(line),
};

describe('channel streams, Node <-> .NET', () => {
  for (const s of channelPeerScenarios) it(s.title(linux), () => s.run(linux), 240_000);

  it('batches both ways: Node sendMany -> .NET ReceiveMany/ReceiveViews, .NET SendMany -> Node receiveMany/receiveViews, 200000 records each, none lost, none twice, in order', async () => {
    const n = 200_000;
    const n2d = uniq('n2d-many');
    {
      using tx = Channel.create(n2d, { capacity: CAPACITY });
      await using peer = Peer.start('channel-receive', { name: n2d, count: n, writers: 1, batch: 50, view: 1, timeoutMs: 30_000 });
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
    for (let got = 0, calls = 0; got < n; calls++) {
      const rs = calls % 2 === 0 ? rx.receiveViews(64, 30_000) : rx.receiveMany(64, 30_000);
      if (rs.length === 0) throw new Error(`record ${got} did not come within 30 s`);
      for (const r of rs) order.accept(r);
      got += rs.length;
    }
    expect(await peer.next('done', 60_000)).toMatchObject({ sent: n, bytes: order.bytes });
    expect(order.next.get(0)).toBe(n);
  });
});
