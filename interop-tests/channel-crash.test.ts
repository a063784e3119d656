// Channels when a peer dies or lies (.NET 10 Peer as the other process): a writer killed with
// SIGKILL mid-stream (100 .NET writers into a Node reader, 20 Node writers into a .NET reader, at
// random moments) never leaves a torn record and is noticed;
// a reader that closes ends a blocked send with PEER_GONE. A reader that dies and a garbage
// header (BAD_HEADER) are in ts/test-support/channel-peer-scenarios.ts, registered by
// channel-stream.test.ts and the Wine suite.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Channel, type PeerGone } from '../ts/channel/channel.js';
import { OrderCheck } from '../ts/test-support/channel-records.js';
import { Peer, repoRoot } from './peer.js';
import { uniqueNames } from '../ts/test-support/unique-names.js';

const uniq = uniqueNames('twinmap-it', (name) => Channel.unlink(name));

describe('channel crashes, Node <-> .NET', () => {
  it('kill -9 of a .NET writer mid-stream, 100 times: no torn record, the death is noticed, the channel goes on', async () => {
    const name = uniq('kill');
    using rx = Channel.create(name, { capacity: 64 * 1024, peerCheckMs: 50 });
    expect(rx.tryReceive()).toBeUndefined(); // attach as the reader
    const gone: PeerGone[] = [];
    rx.on('peerGone', (g: PeerGone) => gone.push(g));
    const order = new OrderCheck(undefined);
    const kills = Number(process.env['TWINMAP_KILLS'] ?? 100);
    let lockHeld = 0;
    for (let it = 0; it < kills; it++) {
      const peer = Peer.start('channel-send', { name, count: 100_000_000, writer: it, seed: it + 1, minSize: 12, maxSmall: 4096, maxLarge: 40 * 1024, timeoutMs: 30_000 });
      const { pid } = (await peer.next('ready')) as unknown as { pid: number };
      // Mid-stream: at a random moment after its first record arrived.
      let killAt = Infinity;
      let killed = false;
      let exited = false;
      void peer.exited.then(() => (exited = true));
      // Read while the writer writes; kill it at a random moment.
      while (!exited) {
        if (!killed && performance.now() >= killAt) {
          peer.kill('SIGKILL');
          killed = true;
        }
        const r = await rx.receiveAsync(2);
        if (r !== undefined) {
          order.accept(r); // throws on a torn, lost or repeated record
          if (killAt === Infinity) killAt = performance.now() + Math.random() * 30;
        }
      }
      for (let r = rx.tryReceive(); r !== undefined; r = rx.tryReceive()) order.accept(r);
      // The reader notices the dead writer (its sleeping receive checks every peerCheckMs).
      const t0 = performance.now();
      while (!gone.some((g) => g.pid === pid) && performance.now() - t0 < 5000) {
        const r = await rx.receiveAsync(20);
        if (r !== undefined) order.accept(r);
      }
      const g = gone.find((x) => x.pid === pid);
      expect(g, `writer pid ${pid} (kill ${it}) was not reported gone`).toBeDefined();
      if (g!.heldLock) lockHeld++;
    }
    console.log(`kill -9 x${kills}: ${order.total} records checked (${(order.bytes / 1e6).toFixed(1)} MB), none torn; ${lockHeld} kills landed while the writer held the write lock (mid-record), each lock released`);
    expect(order.total).toBeGreaterThan(0);
    expect(rx.writers()).toEqual([]);
    // Reopened by new processes: a new writer and, after this reader closes, a new reader.
    await using writer = Peer.start('channel-send', { name, count: 3, writer: 1000, seed: 5, minSize: 12, maxSmall: 64, maxLarge: 64, timeoutMs: 5000 });
    await writer.next('done');
    for (let i = 0; i < 3; i++) order.accept(rx.receive(5000)!);
    rx.close();
    using rx2 = Channel.open(name);
    using tx2 = Channel.open(name);
    expect(() => tx2.send(Uint8Array.of(1))).toThrow(expect.objectContaining({ code: 'PEER_GONE' })); // reader closed
    expect(rx2.tryReceive()).toBeUndefined(); // a new reader attaches
    tx2.send(Uint8Array.of(42));
    expect([...rx2.receive(1000)!]).toEqual([42]);
  }, 240_000);

  it('reader closes: a .NET send blocked on a full ring ends with PEER_GONE', async () => {
    const name = uniq('rclose');
    const rx = Channel.create(name, { capacity: 4096 });
    expect(rx.tryReceive()).toBeUndefined();
    await using writer = Peer.start('channel-send', { name, count: 1000, writer: 0, seed: 3, minSize: 500, maxSmall: 1000, maxLarge: 1000, timeoutMs: 10_000 });
    await writer.next('ready');
    await new Promise((r) => setTimeout(r, 300)); // let it fill the ring and block
    const t0 = performance.now();
    rx.close();
    const err = await writer.next('error', 10_000);
    expect(err).toMatchObject({ type: 'PeerGoneException' });
    console.log(`.NET writer got PEER_GONE ${(performance.now() - t0).toFixed(0)} ms after the Node reader closed: ${String(err['message'])}`);
  });
});

// A Node writer in a process of its own (the compiled library in dist/, built by `npm install`).
const nodeWriter = `
const [lib, name, writer] = process.argv.slice(-3);
const { Channel } = await import(lib);
const ch = Channel.open(name);
const w = Number(writer);
let s = (w * 7 + 1) >>> 0;
const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; return (s >>>= 0); };
const buf = new Uint8Array(40 * 1024);
for (let seq = 0; ; seq++) {
  const size = rnd() % 100 === 0 ? 12 + (rnd() % (40 * 1024 - 12)) : 12 + (rnd() % 4000);
  const rec = buf.subarray(0, size);
  const dv = new DataView(rec.buffer, 0, 12);
  dv.setInt32(0, w, true);
  dv.setUint32(4, seq, true);
  let h = 0x811c9dc5;
  for (let i = 12; i < size; i++) { rec[i] = (seq + i - 12) & 0xff; h ^= rec[i]; h = Math.imul(h, 0x01000193); }
  dv.setUint32(8, h >>> 0, true);
  ch.send(rec, 30000);
  if (seq === 0) console.log('sent');
}
`;

describe('channel crashes, Node writers -> .NET reader', () => {
  it('kill -9 of a Node writer mid-stream, 20 times: the .NET reader sees no torn record and notices each death', async () => {
    const lib = join(repoRoot, 'dist', 'ts', 'channel', 'channel.js');
    expect(existsSync(lib), `${lib} is missing: run \`npm run build:ts\``).toBe(true);
    const name = uniq('nkill');
    using chan = Channel.create(name, { capacity: 64 * 1024 });
    await using reader = Peer.start('channel-watch', { name, peerCheckMs: 50 });
    await reader.next('ready');
    const kills = 20;
    let lockHeld = 0;
    for (let it = 0; it < kills; it++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', nodeWriter, lib, name, String(it)], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        child.stdout!.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`node writer ${it} exited (${code}) before sending`)));
      });
      await new Promise((r) => setTimeout(r, Math.random() * 30));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const gone = await reader.next('gone', 10_000);
      expect(gone['pid']).toBe(child.pid);
      if (gone['heldLock'] === true) lockHeld++;
    }
    reader.send('quit');
    const done = await reader.next('done', 10_000);
    console.log(`kill -9 of a Node writer x${kills}: the .NET reader checked ${String(done['received'])} records from ${String(done['writers'])} writers, none torn; ${lockHeld} kills landed while the writer held the write lock`);
    expect(done).toMatchObject({ writers: kills });
    expect(chan.writers()).toEqual([]);
  });
});
