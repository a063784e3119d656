// Test support (not part of the library build): the Channel scenarios between Node and the .NET
// Peer that mean the same on every OS, written once and registered by both runners: vitest on
// Linux (interop-tests/channel-stream.test.ts) and the Wine suite on Windows
// (win32-tests/channel-dotnet.test.ts). Each runner says how to start the Peer and the Node
// writer process (channel-writer.ts), how to name a channel and how big the run is. node:assert,
// which both runners report.
import assert from 'node:assert/strict';
import { Channel, type PeerGone } from '../channel/channel.js';
import { CHANNEL_MAGIC, CHANNEL_VERSION, HEADER_SIZE, OFF_CAPACITY, OFF_HEADER_SIZE, OFF_MAGIC, OFF_VERSION } from '../channel/layout.js';
import { BadHeaderError } from '../errors.js';
import { fill, OrderCheck, Sizes } from './channel-records.js';
import type { PeerArgValue, PeerProcess } from './peer-process.js';

/** Kills every process (SIGKILL; a no-op for one that has ended). */
async function killAll(ps: readonly PeerProcess[]): Promise<void> {
  await Promise.all(ps.map((p) => p.kill()));
}

export interface ChannelPeerContext {
  /** A channel name no other run uses; `tag` says which scenario made it. */
  name(tag: string): string;
  /** Starts the Peer's `command` with `key=value` arguments. */
  startPeer(command: string, args: Record<string, PeerArgValue>): PeerProcess;
  /** How long the Peer may take to start (a self-contained .NET under Wine is slow). */
  peerStartMs: number;
  /** Records per stream, the ring's size and the record sizes (99 % up to maxSmall, 1 % up to maxLarge). */
  records: number;
  capacity: number;
  maxSmall: number;
  maxLarge: number;
  /** How many .NET writers are killed mid-stream, one after the other, in one channel. */
  writerKills: number;
  /** Starts the Node writer process (channel-writer.ts, compiled) with `key=value` arguments: the Peer's `channel-send` twin. */
  startNodeWriter(args: Record<string, PeerArgValue>): PeerProcess;
  /** Records each writer sends in the streams that mix Node and .NET writers. */
  mixedRecords: number;
  /** How many Node writer processes are killed mid-stream, one after the other, in one channel. */
  nodeWriterKills: number;
  /** Makes a named section holding `bytes` (not a channel: no header checks), as the OS names them; disposing removes it. */
  makeSection(name: string, bytes: Uint8Array): Disposable;
  /** Rates are reported (printed), never asserted. */
  report?(what: string, count: number, bytes: number, ms: number): void;
  /** Prints a line of what a run saw (never asserted). */
  note?(line: string): void;
}

export interface ChannelPeerScenario {
  title(ctx: ChannelPeerContext): string;
  run(ctx: ChannelPeerContext): Promise<void>;
}

export const channelPeerScenarios: readonly ChannelPeerScenario[] = [
  {
    title: (c) => `.NET writer -> Node reader: ${c.records} records of 1 B .. ${c.maxLarge} B through a ${c.capacity} B ring, none lost, repeated or torn, in order`,
    async run(ctx) {
      const name = ctx.name('d2n');
      using rx = Channel.create(name, { capacity: ctx.capacity });
      assert.equal(rx.tryReceive(), undefined); // attach as the reader
      const n = ctx.records;
      const peer = ctx.startPeer('channel-send', { name, count: n, writer: 0, seed: 11, minSize: 1, maxSmall: ctx.maxSmall, maxLarge: ctx.maxLarge, timeoutMs: 30_000 });
      try {
        await peer.next('ready', ctx.peerStartMs);
        const order = new OrderCheck(0);
        const t0 = performance.now();
        for (let i = 0; i < n; i++) {
          // A view into the ring when a record is there; else wait without blocking the event loop.
          const rec = rx.receiveView(0) ?? (await rx.receiveAsync(30_000));
          assert.ok(rec !== undefined, `record ${i} of ${n} arrived within 30 s`);
          order.accept(rec); // throws on a torn, lost, repeated or reordered record
        }
        ctx.report?.('.NET -> Node', n, order.bytes, performance.now() - t0);
        const done = await peer.next('done', 60_000);
        assert.equal(done['sent'], n);
        assert.equal(done['bytes'], order.bytes);
        assert.equal(order.next.get(0), n);
        assert.equal((await peer.exited).exitCode, 0);
        assert.equal(rx.tryReceive(), undefined, 'nothing more');
      } finally {
        await peer.kill();
      }
    },
  },
  {
    title: () => 'a .NET reader killed: a Node send waiting for room ends with PEER_GONE naming it, not with TIMEOUT',
    async run(ctx) {
      const name = ctx.name('rgone');
      using tx = Channel.create(name, { capacity: 4096, peerCheckMs: 100 });
      const reader = ctx.startPeer('channel-receive', { name, count: 1_000_000_000, writers: 1, timeoutMs: 60_000 });
      try {
        await reader.next('ready', ctx.peerStartMs);
        // Records it checks and takes while it runs.
        const sizes = new Sizes(71, 12, 1000, 4000);
        const buf = new Uint8Array(4000);
        for (let i = 0; i < 200; i++) {
          const rec = buf.subarray(0, sizes.nextSize());
          fill(rec, 0, i);
          await tx.sendAsync(rec, 30_000);
        }
        assert.deepEqual(tx.checkPeers(), [], 'Node judges the live .NET reader (its pid and start time in the header) alive');
        await reader.kill();
        // Nobody reads now: the ring fills, and the wait for room notices the dead reader.
        while (tx.trySend(new Uint8Array(1000)));
        await assert.rejects(
          async () => {
            for (;;) await tx.sendAsync(new Uint8Array(1000), 20_000);
          },
          (e: { code?: string; message: string }) => e.code === 'PEER_GONE' && e.message.includes(`pid ${reader.pid}`),
        );
      } finally {
        await reader.kill();
      }
    },
  },
  {
    title: (c) => `Node writer -> .NET reader (which made the channel): ${c.records} records of 1 B .. ${c.maxLarge} B through a ${c.capacity} B ring, none lost, none twice, in order`,
    async run(ctx) {
      const name = ctx.name('n2d');
      const n = ctx.records;
      const peer = ctx.startPeer('channel-receive', { name, create: 1, capacity: ctx.capacity, count: n, writers: 1, timeoutMs: 30_000 });
      try {
        await peer.next('ready', ctx.peerStartMs); // created and attached as the reader
        using tx = Channel.open(name);
        assert.equal(tx.capacity, ctx.capacity, 'Node reads the capacity .NET wrote');
        const sizes = new Sizes(7, 1, ctx.maxSmall, ctx.maxLarge);
        const buf = new Uint8Array(tx.maxMessageSize);
        let bytes = 0;
        const t0 = performance.now();
        for (let i = 0; i < n; i++) {
          if (i === 100) assert.deepEqual(tx.checkPeers(), [], 'Node judges the .NET reader (its pid and start time in the header) alive');
          const rec = buf.subarray(0, sizes.nextSize());
          fill(rec, 0, i);
          if (!tx.trySend(rec)) await tx.sendAsync(rec, 30_000);
          bytes += rec.length;
        }
        const done = await peer.next('done', 120_000);
        ctx.report?.('Node -> .NET', n, bytes, performance.now() - t0);
        assert.equal(done['received'], n);
        assert.equal(done['bytes'], bytes);
        assert.equal((await peer.exited).exitCode, 0);
      } finally {
        await peer.kill();
      }
    },
  },
  {
    title: () => '.NET opening garbage, or a header that lies about its capacity, gets BAD_HEADER naming the problem, and so does Node (no crash, no hang)',
    async run(ctx) {
      const size = 8192;
      const garbage = new Uint8Array(size);
      crypto.getRandomValues(garbage);
      const lying = new Uint8Array(size);
      const dv = new DataView(lying.buffer);
      dv.setUint32(OFF_MAGIC, CHANNEL_MAGIC, true);
      dv.setUint16(OFF_VERSION, CHANNEL_VERSION, true);
      dv.setUint16(OFF_HEADER_SIZE, HEADER_SIZE, true);
      dv.setUint32(OFF_CAPACITY, 1 << 29, true); // a 512 MiB ring in a section of 8 KiB
      for (const [tag, bytes, detail] of [
        ['bad-magic', garbage, /bad magic/],
        ['bad-capacity', lying, new RegExp(`${size} bytes, but header \\+ capacity`)],
      ] as const) {
        const name = ctx.name(tag);
        using _section = ctx.makeSection(name, bytes);
        const peer = ctx.startPeer('channel-receive', { name, count: 1, timeoutMs: 1000 });
        try {
          const e = await peer.next('error', ctx.peerStartMs);
          assert.equal(e['code'], 'BAD_HEADER', JSON.stringify(e));
          assert.equal(e['type'], 'BadHeaderException');
          assert.match(String(e['message']), detail);
          assert.equal((await peer.exited).exitCode, 1);
        } finally {
          await peer.kill();
        }
        assert.throws(() => Channel.open(name), (e: unknown) => e instanceof BadHeaderError && detail.test(e.message));
      }
    },
  },
  killedDotnetWriters(0, (c) => c.writerKills),
  // A fifth as many batch writers: each kill costs ~1.5 s, and the rule that frees the lock is the same.
  killedDotnetWriters(16, (c) => Math.max(1, Math.round(c.writerKills / 5))),
  {
    title: (c) => `two .NET writers and a Node writer (another process) to one Node reader: ${c.mixedRecords} records each, every record once, in order per writer`,
    async run(ctx) {
      const name = ctx.name('mix-n');
      const each = ctx.mixedRecords;
      using rx = Channel.create(name, { capacity: ctx.capacity });
      assert.equal(rx.tryReceive(), undefined); // attach as the reader
      const common = { name, count: each, minSize: 12, maxSmall: ctx.maxSmall, maxLarge: ctx.maxLarge, wait: 1, timeoutMs: 30_000 };
      const writers = [
        ctx.startPeer('channel-send', { ...common, writer: 1, seed: 31 }),
        ctx.startPeer('channel-send', { ...common, writer: 2, seed: 32 }),
        ctx.startNodeWriter({ ...common, writer: 3, seed: 33 }),
      ];
      try {
        for (const w of writers) await w.next('ready', ctx.peerStartMs);
        for (const w of writers) w.send('go');
        const order = new OrderCheck(undefined);
        const t0 = performance.now();
        for (let i = 0; i < 3 * each; i++) {
          const rec = rx.receiveView(0) ?? (await rx.receiveAsync(30_000));
          assert.ok(rec !== undefined, `record ${i} of ${3 * each} arrived within 30 s`);
          order.accept(rec); // throws on a torn, lost, repeated or reordered record
        }
        ctx.report?.('2 .NET + 1 Node writers -> Node reader', order.total, order.bytes, performance.now() - t0);
        assert.deepEqual([...order.next.entries()].sort(([a], [b]) => a - b), [
          [1, each],
          [2, each],
          [3, each],
        ]);
        for (const w of writers) {
          assert.equal((await w.next('done', 60_000))['sent'], each);
          assert.equal((await w.exited).exitCode, 0, w.label);
        }
        assert.equal(rx.tryReceive(), undefined, 'nothing more');
        assert.deepEqual(rx.writers(), [], 'every writer freed its slot');
      } finally {
        await killAll(writers);
      }
    },
  },
  {
    title: (c) =>
      `two .NET writers, two Node handles in this process and a Node writer in another process to one .NET reader: ${c.mixedRecords} records each, every record once, in order per writer`,
    async run(ctx) {
      const name = ctx.name('mix-d');
      const each = ctx.mixedRecords;
      using chan = Channel.create(name, { capacity: ctx.capacity });
      const reader = ctx.startPeer('channel-receive', { name, count: 5 * each, writers: 5, timeoutMs: 30_000 });
      const common = { name, count: each, minSize: 12, maxSmall: ctx.maxSmall, maxLarge: ctx.maxLarge, wait: 1, timeoutMs: 30_000 };
      // Writers 0 and 1 are handles of this process; 2, 3 and 4 processes of their own.
      const others = [
        ctx.startPeer('channel-send', { ...common, writer: 2, seed: 202 }),
        ctx.startPeer('channel-send', { ...common, writer: 3, seed: 303 }),
        ctx.startNodeWriter({ ...common, writer: 4, seed: 404 }),
      ];
      try {
        await reader.next('ready', ctx.peerStartMs); // attached as the reader
        for (const w of others) await w.next('ready', ctx.peerStartMs);
        const t0 = performance.now();
        for (const w of others) w.send('go');
        await Promise.all(
          [0, 1].map(async (writer) => {
            using tx = Channel.open(name);
            const sizes = new Sizes(writer + 5, 12, ctx.maxSmall, ctx.maxLarge);
            const buf = new Uint8Array(tx.maxMessageSize);
            for (let i = 0; i < each; i++) {
              const rec = buf.subarray(0, sizes.nextSize());
              fill(rec, writer, i);
              if (!tx.trySend(rec)) await tx.sendAsync(rec, 30_000);
              if ((i & 255) === 0) await new Promise((r) => setImmediate(r)); // let the other handle in
            }
          }),
        );
        for (const w of others) {
          assert.equal((await w.next('done', 120_000))['sent'], each);
          assert.equal((await w.exited).exitCode, 0, w.label);
        }
        const done = await reader.next('done', 120_000);
        ctx.report?.('2 .NET + 3 Node writers -> .NET reader', 5 * each, Number(done['bytes']), performance.now() - t0);
        assert.equal(done['received'], 5 * each);
        assert.equal((await reader.exited).exitCode, 0);
        assert.deepEqual(chan.writers(), [], 'every writer freed its slot');
      } finally {
        await killAll([reader, ...others]);
      }
    },
  },
  killedNodeWriters(0, (c) => c.nodeWriterKills),
  killedNodeWriters(16, (c) => c.nodeWriterKills),
];

/** `kills` .NET writers killed mid-stream, one after the other (batch 0: Send one record at a time; batch B: SendMany of B, each batch published by one store of head). */
function killedDotnetWriters(batch: number, kills: (c: ChannelPeerContext) => number): ChannelPeerScenario {
  return {
    title: (c) =>
      `a .NET writer killed mid-stream${batch > 0 ? ` of SendMany batches of ${batch}` : ''}, ${kills(c)} time(s): the Node reader gets only whole records, reports each writer gone, and the channel goes on (a new writer, a new reader)`,
    async run(ctx) {
      const name = ctx.name(batch > 0 ? 'bkill-d' : 'kill-d');
      using rx = Channel.create(name, { capacity: ctx.capacity, peerCheckMs: 50 });
      assert.equal(rx.tryReceive(), undefined); // attach as the reader
      const gone: PeerGone[] = [];
      rx.on('peerGone', (g: PeerGone) => gone.push(g));
      const order = new OrderCheck(undefined);
      // Records up to 4 KiB, so a kill often lands while the writer holds the write lock mid-record.
      const maxSmall = Math.min(4096, ctx.maxLarge);
      let lockHeld = 0;
      const t0 = performance.now();
      for (let it = 0; it < kills(ctx); it++) {
        const peer = ctx.startPeer('channel-send', { name, count: 1_000_000_000, writer: it, seed: it + 51, minSize: 12, maxSmall, maxLarge: ctx.maxLarge, timeoutMs: 30_000, batch });
        try {
          const pid = Number((await peer.next('ready', ctx.peerStartMs))['pid']);
          let exited = false;
          void peer.exited.then(() => (exited = true));
          // Read while it writes; kill it (SIGKILL, TerminateProcess) wherever it is, at a random
          // moment after its first 300 records.
          let killAt = Infinity;
          let killed = false;
          while (!exited) {
            if (!killed && performance.now() >= killAt) {
              assert.deepEqual(rx.writers(), [pid], 'alive while it sends');
              void peer.kill();
              killed = true;
            }
            const r = await rx.receiveAsync(2);
            if (r === undefined) continue;
            order.accept(r); // throws on a torn, lost, repeated or reordered record
            if (killAt === Infinity && (order.next.get(it) ?? 0) >= 300) killAt = performance.now() + Math.random() * 30;
          }
          assert.ok(killed, `writer ${it} was still sending when killed`);
          for (let r = rx.tryReceive(); r !== undefined; r = rx.tryReceive()) order.accept(r);
          // The reader notices the dead writer (its sleeping receive checks every peerCheckMs).
          const t1 = performance.now();
          while (!gone.some((g) => g.pid === pid) && performance.now() - t1 < 5000) {
            const r = await rx.receiveAsync(20);
            if (r !== undefined) order.accept(r);
          }
          const g = gone.find((x) => x.pid === pid);
          assert.ok(g !== undefined && g.role === 'writer', `writer pid ${pid} (kill ${it}) is reported gone (got ${JSON.stringify(gone)})`);
          if (g.heldLock === true) lockHeld++;
        } finally {
          await peer.kill();
        }
      }
      ctx.report?.(`${kills(ctx)} .NET writers killed (${lockHeld} while holding the write lock, each lock released), records checked`, order.total, order.bytes, performance.now() - t0);
      assert.deepEqual(rx.writers(), []);
      // The write lock is free again, even if a writer died holding it: a Node writer and a new .NET one.
      using tx = Channel.open(name);
      tx.send(Uint8Array.of(42), 5000);
      assert.deepEqual([...(await rx.receiveAsync(5000))!], [42]);
      const writer = ctx.startPeer('channel-send', { name, count: 3, writer: 1000, seed: 5, minSize: 12, maxSmall: 64, maxLarge: 64, timeoutMs: 5000 });
      try {
        await writer.next('done', ctx.peerStartMs);
        for (let i = 0; i < 3; i++) order.accept((await rx.receiveAsync(5000))!);
        assert.equal(order.next.get(1000), 3);
      } finally {
        await writer.kill();
      }
      // After this reader closes, a send fails with PEER_GONE until a new reader attaches.
      rx.close();
      using rx2 = Channel.open(name);
      assert.throws(() => tx.send(Uint8Array.of(1)), (e: { code?: string }) => e.code === 'PEER_GONE');
      assert.equal(rx2.tryReceive(), undefined); // a new reader attaches
      tx.send(Uint8Array.of(43), 5000);
      assert.deepEqual([...(await rx2.receiveAsync(5000))!], [43]);
    },
  };
}

/** `kills` Node writer processes killed mid-stream, one after the other (batch 0: send one record at a time; batch B: sendMany of B). */
function killedNodeWriters(batch: number, kills: (c: ChannelPeerContext) => number): ChannelPeerScenario {
  return {
    title: (c) =>
      `a Node writer process killed mid-stream${batch > 0 ? ` of sendMany batches of ${batch}` : ''}, ${kills(c)} time(s): the .NET reader judges it alive while it sends, then reports it gone, and never sees a torn record`,
    async run(ctx) {
      const name = ctx.name(batch > 0 ? 'bkill-n' : 'kill-n');
      using chan = Channel.create(name, { capacity: ctx.capacity }); // keeps the name while the writers die
      const reader = ctx.startPeer('channel-watch', { name, peerCheckMs: 50 });
      let child: PeerProcess | undefined;
      try {
        await reader.next('ready', ctx.peerStartMs);
        let lockHeld = 0;
        for (let it = 0; it < kills(ctx); it++) {
          // Records up to 4 KiB (1 % up to the largest), so a kill often lands mid-record.
          child = ctx.startNodeWriter({ name, count: 0, writer: it, seed: 61 + it, minSize: 12, maxSmall: Math.min(4096, ctx.maxLarge), maxLarge: ctx.maxLarge, batch });
          const pid = (await child.next('ready', ctx.peerStartMs))['pid'];
          assert.equal((await reader.next('first', 20_000))['writer'], it, 'the .NET reader checks its records');
          reader.send('writers');
          assert.deepEqual((await reader.next('writers'))['pids'], [pid], '.NET judges the live Node writer (pid + start time) alive');
          await new Promise((r) => setTimeout(r, Math.random() * 30)); // a random moment mid-stream
          await child.kill();
          const g = await reader.next('gone', 20_000);
          assert.equal(g['pid'], pid);
          if (g['heldLock'] === true) lockHeld++;
          reader.send('writers');
          assert.deepEqual((await reader.next('writers'))['pids'], [], 'a dead writer is not alive');
        }
        reader.send('quit');
        const done = await reader.next('done');
        ctx.note?.(
          `kill of a Node writer${batch > 0 ? ' (sendMany)' : ''} x${kills(ctx)}: the .NET reader checked ${String(done['received'])} records, none torn; ${lockHeld} kills landed while the writer held the write lock`,
        );
        assert.equal(done['writers'], kills(ctx), 'records from every writer');
        assert.equal((await reader.exited).exitCode, 0);
        assert.deepEqual(chan.writers(), []);
      } finally {
        await killAll(child === undefined ? [reader] : [reader, child]);
      }
    },
  };
}
