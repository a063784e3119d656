import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadHeaderError } from '../errors.js';
import { Channel } from './channel.js';
import { ChannelHeader, ReaderState } from '../formats/channel_header.js';
import { selfStartTime } from '../liveness.js';
import { uniqueNames } from '../test-support/unique-names.js';

const uniq = uniqueNames('twinmap-test-ch', (name) => Channel.unlink(name));

describe('Channel (one process, two handles)', () => {
  it('delivers records whole and in order, across many wraps of the ring', () => {
    const name = uniq();
    using rx = Channel.create(name, { capacity: 4096 });
    using tx = Channel.open(name);
    expect(tx.capacity).toBe(4096);
    let sent = 0;
    let got = 0;
    const sizes: number[] = [];
    for (let i = 0; i < 3000; i++) sizes.push(i % 7 === 0 ? 2500 : (i * 37) % 300);
    while (got < sizes.length) {
      while (sent < sizes.length) {
        const data = new Uint8Array(sizes[sent]!).fill(sent & 0xff);
        if (!tx.trySend(data)) break;
        sent++;
      }
      const r = rx.receive(0);
      if (r === undefined) continue;
      expect(r.length).toBe(sizes[got]);
      expect(r.every((b) => b === (got & 0xff))).toBe(true);
      got++;
    }
    expect(rx.receive(0)).toBeUndefined();
  });

  it('sendMany/receiveMany: batches cross many wraps of the ring whole and in order, mixed with single sends', () => {
    const name = uniq();
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
          expect(n).toBeGreaterThanOrEqual(0);
          expect(n).toBeLessThanOrEqual(batch.length);
          sent += n;
        }
      }
      const max = (got % 4) + 1;
      const rs = rx.receiveMany(max, 0);
      expect(rs.length).toBeLessThanOrEqual(max);
      for (const r of rs) {
        expect(r.length).toBe(sizes[got]);
        expect(r.every((b) => b === (got & 0xff))).toBe(true);
        got++;
      }
    }
    expect(rx.receiveMany(8, 0)).toEqual([]);
  });

  it('sendMany: a record too large is TOO_LARGE with nothing sent; bad arguments are INVALID_ARGUMENT', () => {
    const name = uniq();
    using rx = Channel.create(name, { capacity: 4096 });
    using tx = Channel.open(name);
    expect(() => tx.sendMany([Uint8Array.of(1), new Uint8Array(5000)])).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    expect(rx.receiveMany(8, 0)).toEqual([]);
    expect(() => tx.sendMany([Uint8Array.of(1), 'x' as unknown as Uint8Array])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => rx.receiveMany(0, 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(rx.receiveMany(8, 0)).toEqual([]);
  });

  it('sendMany: a full ring times out naming how many records were sent; those stay published', () => {
    const name = uniq();
    using rx = Channel.create(name, { capacity: 4096 });
    using tx = Channel.open(name);
    const batch = Array.from({ length: 6 }, (_, i) => new Uint8Array(1000).fill(i));
    expect(() => tx.sendMany(batch, 20)).toThrow(/4 of the 6 records were sent/);
    expect(rx.receiveMany(64, 0).map((r) => r[0])).toEqual([0, 1, 2, 3]);
  });

  it('a synchronous receive next to a sleeping receiveAsync: the async one still gets what the poll leaves or what comes later', async () => {
    const name = uniq();
    // peerCheckMs of a minute: without a wake-up the async receive would not look again in time.
    using rx = Channel.create(name, { capacity: 4096, peerCheckMs: 60_000 });
    using tx = Channel.open(name);
    const tick = () => new Promise((r) => setTimeout(r, 20));
    // Records left in the ring when the poll ends go to the async receive.
    const first = rx.receiveAsync();
    await tick();
    tx.send(Uint8Array.of(1));
    tx.send(Uint8Array.of(2));
    expect([...rx.receive(0)!]).toEqual([1]);
    expect([...(await first)!]).toEqual([2]);
    // A record sent after the poll gave up wakes the async receive.
    const second = rx.receiveAsync();
    await tick();
    expect(rx.receive(0)).toBeUndefined();
    tx.send(Uint8Array.of(3));
    expect([...(await second)!]).toEqual([3]);
  });

  it('a view stays valid until the next receive; then its space is released', () => {
    const name = uniq();
    using rx = Channel.create(name, { capacity: 4096 });
    using tx = Channel.open(name);
    tx.send(new Uint8Array(3000).fill(1));
    const v = rx.receiveView(0)!;
    expect(v.length).toBe(3000);
    expect(tx.trySend(new Uint8Array(3000))).toBe(false); // the view still holds the space
    expect(v[2999]).toBe(1);
    expect(rx.receiveView(0)).toBeUndefined(); // releases the view
    expect(tx.trySend(new Uint8Array(3000).fill(2))).toBe(true);
    expect(rx.receive(0)![0]).toBe(2);
  });

  it('views keep working when the positions pass 2^31 (after 2 GiB): each record once, in order', () => {
    const name = uniq();
    Channel.create(name, { capacity: 4096 }).close();
    // A channel that has carried 2 GiB - 2 KiB: head = tail = 2^31 - 2048 (a valid position).
    const fd = openSync(`/dev/shm/${name}`, 'r+');
    const pos = Buffer.alloc(4);
    pos.writeUInt32LE(2 ** 31 - 2048);
    writeSync(fd, pos, 0, 4, 64); // head
    writeSync(fd, pos, 0, 4, 128); // tail
    closeSync(fd);
    using rx = Channel.open(name);
    using tx = Channel.open(name);
    for (let i = 0; i < 40; i++) {
      tx.send(new Uint8Array(300).fill(i));
      const v = rx.receiveView(0)!;
      expect([v.length, v[0], v[299]]).toEqual([300, i, i]);
    }
    expect(rx.receiveView(0)).toBeUndefined();
  });

  it('the header a live channel holds decodes with the channel_header.ksy codec, field for field', () => {
    const name = uniq();
    using rx = Channel.create(name, { capacity: 8192 });
    using tx = Channel.open(name);
    tx.send(new Uint8Array(5000)); // a 5008-byte frame
    expect(rx.receive(0)!.length).toBe(5000);
    // 3512 bytes do not fit in the 3184 before the ring's end, and the cached tail (0) leaves too
    // little room for a wrap frame and the record: the writer reads tail into tail_cache.
    tx.send(new Uint8Array(3500));
    const h = ChannelHeader.decode(readFileSync(`/dev/shm/${name}`).subarray(0, 1024));
    expect([h.version, h.headerSize, h.capacity]).toEqual([2, 1024, 8192]);
    expect([h.head, h.tail, h.tailCache]).toEqual([8192 + 3512, 5008, 5008]); // wrap frame + the record; tail as read
    expect([h.readerState, h.readerPid, h.readerStart]).toEqual([ReaderState.ATTACHED, process.pid, selfStartTime()]);
    expect([h.writeLock, h.writers[0]!.pid, h.writers[0]!.start]).toEqual([0, process.pid, selfStartTime()]);
  });

  it('refuses a record larger than the ring with TOO_LARGE; the largest one fits', () => {
    const name = uniq();
    using rx = Channel.create(name, { capacity: 4096 });
    using tx = Channel.open(name);
    expect(() => tx.send(new Uint8Array(4089))).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    tx.send(new Uint8Array(100)); // move the head off 0 so the big one must wrap
    expect(rx.receive(0)!.length).toBe(100);
    // It cannot fit before the ring's end: the writer publishes a wrap frame and waits for the
    // reader to pass it (here the reader is this thread, so: try, let the reader skip, send).
    expect(tx.trySend(new Uint8Array(4088).fill(9))).toBe(false);
    expect(rx.receive(0)).toBeUndefined();
    tx.send(new Uint8Array(4088).fill(9), 1000);
    expect(rx.receive(0)!.length).toBe(4088);
  });

  it('a full ring: send times out with TIMEOUT; a closed reader makes it PEER_GONE', () => {
    const name = uniq();
    using rx = Channel.create(name, { capacity: 4096 });
    using tx = Channel.open(name);
    expect(rx.receive(0)).toBeUndefined(); // attach as the reader
    tx.send(new Uint8Array(4000));
    const t0 = performance.now();
    expect(() => tx.send(new Uint8Array(200), 50)).toThrow(expect.objectContaining({ code: 'TIMEOUT' }));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
    rx.close();
    expect(() => tx.send(new Uint8Array(200), 50)).toThrow(expect.objectContaining({ code: 'PEER_GONE' }));
  });

  it('a second reader is refused', () => {
    const name = uniq();
    using rx = Channel.create(name, { capacity: 4096 });
    using rx2 = Channel.open(name);
    rx.receive(0);
    expect(() => rx2.receive(0)).toThrow(expect.objectContaining({ code: 'ALREADY_EXISTS' }));
  });

  it('async: receiveAsync, iteration and the message event', async () => {
    const name = uniq();
    using rx = Channel.create(name, { capacity: 8192 });
    using tx = Channel.open(name);
    const p = rx.receiveAsync(5000);
    setTimeout(() => tx.send(Uint8Array.of(1, 2, 3)), 20);
    expect([...(await p)!]).toEqual([1, 2, 3]);
    expect(await rx.receiveAsync(20)).toBeUndefined();
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
    expect(got).toEqual([0, 1, 2]);
  });

  it('sendAsync waits for room without blocking, then delivers', async () => {
    const name = uniq();
    using rx = Channel.create(name, { capacity: 4096 });
    using tx = Channel.open(name);
    rx.receive(0);
    tx.send(new Uint8Array(4000));
    const p = tx.sendAsync(new Uint8Array(500).fill(7), 5000);
    await new Promise((r) => setTimeout(r, 20));
    expect(rx.receive(0)!.length).toBe(4000);
    await p;
    expect(rx.receive(1000)![0]).toBe(7);
  });

  it('garbage header: typed BAD_HEADER on open, for random bytes and for bad fields', () => {
    const name = uniq();
    writeFileSync(`/dev/shm/${name}`, randomBytes(1024 + 4096));
    expect(() => Channel.open(name)).toThrow(BadHeaderError);
    const good = uniq();
    Channel.create(good, { capacity: 4096 }).close();
    const path = `/dev/shm/${good}`;
    const bytes = Buffer.from(readFileSync(path));
    bytes.writeUInt32LE(12345, 8); // capacity not a power of two
    writeFileSync(path, bytes);
    expect(() => Channel.open(good)).toThrow(/capacity 12345/);
    bytes.writeUInt32LE(4096, 8);
    bytes.writeUInt32LE(8000, 64); // head far past tail
    writeFileSync(path, bytes);
    expect(() => Channel.open(good)).toThrow(/head 8000/);
  });

  it('a corrupt frame in the ring is BAD_HEADER for the reader, not a crash', () => {
    const name = uniq();
    using rx = Channel.create(name, { capacity: 4096 });
    using tx = Channel.open(name);
    tx.send(new Uint8Array(16));
    const fd = openSync(`/dev/shm/${name}`, 'r+');
    writeSync(fd, Buffer.from([0xff, 0xff, 0xff, 0x7f]), 0, 4, 1024); // length of frame 0
    closeSync(fd);
    expect(() => rx.receive(0)).toThrow(/corrupt ring/);
  });
});
