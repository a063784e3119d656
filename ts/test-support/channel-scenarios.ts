// Test support (not part of the library build): the Channel scenarios that mean the same on every
// OS, written once and registered by both runners: vitest on Linux (ts/channel/channel.test.ts)
// and the Wine suite's node:test on Windows (win32-tests/channel.test.ts). node:assert, which
// both runners report. What only one OS has (the /dev/shm file, a Win32 section) stays in that
// runner's file; `plant` is the one OS-specific step the scenarios need.
import assert from 'node:assert/strict';
import { Channel } from '../channel/channel.js';

export interface ChannelScenarioContext {
  /** A channel name no other run uses (the runner removes what it made). */
  name(): string;
  /** Puts `bytes` where a channel named `name` lives (a peer's garbage); disposing removes it. */
  plant(name: string, bytes: Uint8Array): Disposable;
}

export interface ChannelScenario {
  title: string;
  run(ctx: ChannelScenarioContext): void | Promise<void>;
}

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

export const channelScenarios: readonly ChannelScenario[] = [
  {
    title: 'delivers records whole and in order, across many wraps of the ring',
    run(ctx) {
      const name = ctx.name();
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
    },
  },
  {
    title: 'sendMany/receiveMany: batches cross many wraps of the ring whole and in order, mixed with single sends',
    run(ctx) {
      const name = ctx.name();
      using rx = Channel.create(name, { capacity: 4096 });
      using tx = Channel.open(name);
      const sizes: number[] = [];
      for (let i = 0; i < 4000; i++) sizes.push(i % 11 === 0 ? 2000 : (i * 53) % 400);
      const rec = (i: number) => new Uint8Array(sizes[i]!).fill(i & 0xff);
      let sent = 0;
      let got = 0;
      while (got < sizes.length) {
        if (sent < sizes.length) {
          if (sent % 5 === 0) sent += tx.trySend(rec(sent)) ? 1 : 0;
          else {
            const batch = Array.from({ length: Math.min(7, sizes.length - sent) }, (_, k) => rec(sent + k));
            const n = tx.trySendMany(batch);
            assert.ok(n >= 0 && n <= batch.length, `trySendMany sent ${n} of ${batch.length}`);
            sent += n;
          }
        }
        const max = (got % 4) + 1;
        const rs = rx.receiveMany(max, 0);
        assert.ok(rs.length <= max);
        for (const r of rs) {
          assert.equal(r.length, sizes[got]);
          assert.ok(r.every((b) => b === (got & 0xff)));
          got++;
        }
      }
      assert.deepEqual(rx.receiveMany(8, 0), []);
    },
  },
  {
    title: 'receiveViews: views of batches across many wraps, whole and in order; their space is released at the next receive',
    run(ctx) {
      const name = ctx.name();
      using rx = Channel.create(name, { capacity: 4096 });
      using tx = Channel.open(name);
      const sizes: number[] = [];
      for (let i = 0; i < 3000; i++) sizes.push(i % 13 === 0 ? 1500 : (i * 37) % 300);
      const rec = (i: number) => new Uint8Array(sizes[i]!).fill(i & 0xff);
      let sent = 0;
      let got = 0;
      while (got < sizes.length) {
        if (sent < sizes.length) sent += tx.trySendMany(Array.from({ length: Math.min(5, sizes.length - sent) }, (_, k) => rec(sent + k)));
        const max = (got % 5) + 1;
        // Every third batch as copies: views and copies take turns on one reader.
        const rs = got % 3 === 0 ? rx.receiveMany(max, 0) : rx.receiveViews(max, 0);
        assert.ok(rs.length <= max);
        for (const r of rs) {
          assert.equal(r.length, sizes[got]);
          assert.ok(r.every((b) => b === (got & 0xff)));
          got++;
        }
      }
      assert.deepEqual(rx.receiveViews(8, 0), []);
      // Views hold their space until the next receive (a fresh ring: 1312-byte frames from 0).
      const name2 = ctx.name();
      using rx2 = Channel.create(name2, { capacity: 4096 });
      using tx2 = Channel.open(name2);
      const big = (b: number) => new Uint8Array(1300).fill(b);
      assert.equal(tx2.trySendMany([big(1), big(2)]), 2);
      const views = rx2.receiveViews(8, 0);
      assert.deepEqual(views.map((v) => v[0]), [1, 2]);
      assert.equal(tx2.trySendMany([big(3), big(4), big(5)]), 1); // only 1472 bytes are free
      assert.deepEqual(views.map((v) => v[1299]), [1, 2]); // still intact
      assert.deepEqual(rx2.receiveViews(8, 0).map((v) => v[0]), [3]); // releases the first two
      assert.equal(tx2.trySendMany([big(4), big(5)]), 2);
      assert.throws(() => rx.receiveViews(0, 0), { code: 'INVALID_ARGUMENT' });
    },
  },
  {
    title: 'sendMany: a record too large is TOO_LARGE with nothing sent; bad arguments are INVALID_ARGUMENT',
    run(ctx) {
      const name = ctx.name();
      using rx = Channel.create(name, { capacity: 4096 });
      using tx = Channel.open(name);
      assert.throws(() => tx.sendMany([Uint8Array.of(1), new Uint8Array(5000)]), { code: 'TOO_LARGE' });
      assert.deepEqual(rx.receiveMany(8, 0), []);
      assert.throws(() => tx.sendMany([Uint8Array.of(1), 'x' as unknown as Uint8Array]), { code: 'INVALID_ARGUMENT' });
      assert.throws(() => rx.receiveMany(0, 0), { code: 'INVALID_ARGUMENT' });
      assert.deepEqual(rx.receiveMany(8, 0), []);
    },
  },
  {
    title: 'sendMany: a full ring times out naming how many records were sent; those stay published',
    run(ctx) {
      const name = ctx.name();
      using rx = Channel.create(name, { capacity: 4096 });
      using tx = Channel.open(name);
      const batch = Array.from({ length: 6 }, (_, i) => new Uint8Array(1000).fill(i));
      assert.throws(() => tx.sendMany(batch, 20), /4 of the 6 records were sent/);
      assert.deepEqual(
        rx.receiveMany(64, 0).map((r) => r[0]),
        [0, 1, 2, 3],
      );
    },
  },
  {
    title: 'a synchronous receive next to a sleeping receiveAsync: the async one still gets what the poll leaves or what comes later',
    async run(ctx) {
      const name = ctx.name();
      // peerCheckMs of a minute: without a wake-up the async receive would not look again in time.
      using rx = Channel.create(name, { capacity: 4096, peerCheckMs: 60_000 });
      using tx = Channel.open(name);
      // Records left in the ring when the poll ends go to the async receive.
      const first = rx.receiveAsync();
      await tick();
      tx.send(Uint8Array.of(1));
      tx.send(Uint8Array.of(2));
      assert.deepEqual([...rx.receive(0)!], [1]);
      assert.deepEqual([...(await first)!], [2]);
      // A record sent after the poll gave up wakes the async receive.
      const second = rx.receiveAsync();
      await tick();
      assert.equal(rx.receive(0), undefined);
      tx.send(Uint8Array.of(3));
      assert.deepEqual([...(await second)!], [3]);
    },
  },
  {
    title: 'a view stays valid until the next receive; then its space is released',
    run(ctx) {
      const name = ctx.name();
      using rx = Channel.create(name, { capacity: 4096 });
      using tx = Channel.open(name);
      tx.send(new Uint8Array(3000).fill(1));
      const v = rx.receiveView(0)!;
      assert.equal(v.length, 3000);
      assert.equal(tx.trySend(new Uint8Array(3000)), false); // the view still holds the space
      assert.equal(v[2999], 1);
      assert.equal(rx.receiveView(0), undefined); // releases the view
      assert.equal(tx.trySend(new Uint8Array(3000).fill(2)), true);
      assert.equal(rx.receive(0)![0], 2);
    },
  },
  {
    title: 'refuses a record larger than the ring with TOO_LARGE; the largest one fits',
    run(ctx) {
      const name = ctx.name();
      using rx = Channel.create(name, { capacity: 4096 });
      using tx = Channel.open(name);
      assert.throws(() => tx.send(new Uint8Array(4089)), { code: 'TOO_LARGE' });
      tx.send(new Uint8Array(100)); // move the head off 0 so the big one must wrap
      assert.equal(rx.receive(0)!.length, 100);
      // It cannot fit before the ring's end: the writer publishes a wrap frame and waits for the
      // reader to pass it (here the reader is this thread, so: try, let the reader skip, send).
      assert.equal(tx.trySend(new Uint8Array(4088).fill(9)), false);
      assert.equal(rx.receive(0), undefined);
      tx.send(new Uint8Array(4088).fill(9), 1000);
      assert.equal(rx.receive(0)!.length, 4088);
    },
  },
  {
    title: 'a full ring: send times out with TIMEOUT; a closed reader makes it PEER_GONE',
    run(ctx) {
      const name = ctx.name();
      using rx = Channel.create(name, { capacity: 4096 });
      using tx = Channel.open(name);
      assert.equal(rx.receive(0), undefined); // attach as the reader
      tx.send(new Uint8Array(4000));
      const t0 = performance.now();
      assert.throws(() => tx.send(new Uint8Array(200), 50), { code: 'TIMEOUT' });
      assert.ok(performance.now() - t0 >= 45, 'the send waited its timeout');
      rx.close();
      assert.throws(() => tx.send(new Uint8Array(200), 50), { code: 'PEER_GONE' });
    },
  },
  {
    title: 'a second reader is refused',
    run(ctx) {
      const name = ctx.name();
      using rx = Channel.create(name, { capacity: 4096 });
      using rx2 = Channel.open(name);
      rx.receive(0);
      assert.throws(() => rx2.receive(0), { code: 'ALREADY_EXISTS' });
    },
  },
  {
    title: 'async: receiveAsync, iteration and the message event',
    async run(ctx) {
      const name = ctx.name();
      using rx = Channel.create(name, { capacity: 8192 });
      using tx = Channel.open(name);
      const p = rx.receiveAsync(5000);
      setTimeout(() => tx.send(Uint8Array.of(1, 2, 3)), 20);
      assert.deepEqual([...(await p)!], [1, 2, 3]);
      assert.equal(await rx.receiveAsync(20), undefined);
      const got: number[] = [];
      const done = new Promise<void>((resolve) => {
        rx.on('message', (m: Uint8Array) => {
          got.push(m[0]!);
          if (got.length === 3) resolve();
        });
      });
      for (let i = 0; i < 3; i++) await tx.sendAsync(Uint8Array.of(i), 1000);
      await done;
      rx.removeAllListeners('message');
      assert.deepEqual(got, [0, 1, 2]);
    },
  },
  {
    title: 'sendAsync waits for room without blocking, then delivers',
    async run(ctx) {
      const name = ctx.name();
      using rx = Channel.create(name, { capacity: 4096 });
      using tx = Channel.open(name);
      rx.receive(0);
      tx.send(new Uint8Array(4000));
      const p = tx.sendAsync(new Uint8Array(500).fill(7), 5000);
      await tick();
      assert.equal(rx.receive(0)!.length, 4000);
      await p;
      assert.equal(rx.receive(1000)![0], 7);
    },
  },
  {
    title: 'open of a missing channel is NOT_FOUND; garbage where a channel lives is BAD_HEADER, not a hang',
    run(ctx) {
      assert.throws(() => Channel.open(ctx.name()), { code: 'NOT_FOUND' });
      const name = ctx.name();
      using _garbage = ctx.plant(name, new Uint8Array(1024 + 4096).fill(0x5a));
      const t0 = Date.now();
      assert.throws(() => Channel.open(name), { code: 'BAD_HEADER' });
      assert.ok(Date.now() - t0 < 3000, 'refused at once');
    },
  },
];
