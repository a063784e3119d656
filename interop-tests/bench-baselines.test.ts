// The bench's socket baselines must carry every record whole, or their figures mean nothing:
// Node client <-> .NET NamedPipeServerStream (bench-pipe, .NET 10) and Node <-> Node (serveStream).
import { describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Peer } from './peer.js';
import { oneWay, roundTrips, serveStream } from '../bench/stream.js';
import { connectIpc, ipcRoundTrips } from '../bench/ipc-side.js';
import { Channel } from '../ts/channel/channel.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueName } from '../ts/test-support/unique-name.js';

/** Sends records with distinct bytes in echo mode and checks they come back identical. */
async function echoesExactly(path: string): Promise<void> {
  const sock = connect(path);
  await once(sock, 'connect');
  sock.write('e');
  const records = [1, 64, 4096, 200_000].map((n) => randomBytes(n));
  const sent = Buffer.concat(records.map((r) => Buffer.concat([Buffer.from(Uint32Array.of(r.length).buffer), r])));
  const chunks: Buffer[] = [];
  let got = 0;
  const done = new Promise<void>((resolve) =>
    sock.on('data', (c: Buffer) => {
      chunks.push(c);
      got += c.length;
      if (got >= sent.length) resolve();
    }),
  );
  sock.write(sent);
  await done;
  sock.destroy();
  expect(Buffer.concat(chunks).equals(sent)).toBe(true);
}

async function baselineWorks(path: string): Promise<void> {
  await echoesExactly(path);
  const rtt = await roundTrips(path, 64, 200, 20);
  expect(rtt.n).toBe(200);
  expect(rtt.percentiles.at(-1)![1]).toBeGreaterThan(0);
  // oneWay throws unless the sink counted exactly the records sent; 1 MiB records span many reads.
  for (const size of [64, 65536, 1 << 20]) {
    const t = await oneWay(path, size, 30);
    expect(t.messages).toBeGreaterThan(0);
  }
}

describe('bench baselines', () => {
  it('Node <-> .NET NamedPipeServerStream (.NET 10) carries records whole', async () => {
    const peer = Peer.start('bench-pipe', { name: uniqueName('twinmap-bench-test') });
    let path = '';
    try {
      path = String((await peer.next('ready'))['path']);
      await baselineWorks(path);
    } finally {
      await peer[Symbol.asyncDispose]();
      if (path) rmSync(path, { force: true }); // a killed .NET server leaves its socket file
    }
  });

  it('Node <-> Node Unix socket carries records whole', async () => {
    const path = `/tmp/${uniqueName('twinmap-bench-test')}.sock`;
    const server = serveStream(path);
    await once(server, 'listening');
    try {
      await baselineWorks(path);
    } finally {
      server.close();
    }
  });

  for (const transport of ['channel', 'pipe'] as const) {
    it(`Node IpcClient <-> .NET bench-ipc echo (${transport}) answers each request with its own bytes`, async () => {
      const name = uniqueName('twinmap-bench-test');
      const peer = Peer.start('bench-ipc', { name, transport });
      try {
        await peer.next('ready');
        using client = await connectIpc(name, transport);
        for (const size of [0, 64, 5000]) {
          const req = randomBytes(size);
          expect(Buffer.from(await client.request(req, 10_000)).equals(req)).toBe(true);
        }
        const rtt = await ipcRoundTrips(client, 64, 200, 20);
        expect(rtt.n).toBe(200);
      } finally {
        await peer[Symbol.asyncDispose]();
        if (transport === 'pipe') rmSync(join(tmpdir(), `CoreFxPipe_${name}`), { force: true });
        else Channel.unlink(name);
      }
    });
  }
});
