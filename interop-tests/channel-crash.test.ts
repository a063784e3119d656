// Channels when a peer dies (.NET 10 Peer as the other process): a Node writer killed with
// SIGKILL mid-stream (20 into a .NET reader, at random moments) never leaves a torn record and is
// noticed; a reader that closes ends a blocked .NET send with PEER_GONE. Killed .NET writers, a
// reader that dies and garbage headers (BAD_HEADER) are in ts/test-support/channel-peer-scenarios.ts,
// registered by channel-stream.test.ts and the Wine suite.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Channel } from '../ts/channel/channel.js';
import { Peer, repoRoot } from './peer.js';
import { uniqueNames } from '../ts/test-support/unique-names.js';

const uniq = uniqueNames('twinmap-it', (name) => Channel.unlink(name));

describe('channel crashes, Node <-> .NET', () => {
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
