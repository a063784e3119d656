import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadHeaderError } from '../errors.js';
import { Channel } from './channel.js';
import { ChannelHeader, ReaderState } from '../formats/channel_header.js';
import { selfStartTime } from '../liveness/liveness.js';
import { channelScenarios, type ChannelScenarioContext } from '../test-support/channel-scenarios.js';
import { uniqueNames } from '../test-support/unique-names.js';

const uniq = uniqueNames('twinmap-test-ch', (name) => Channel.unlink(name));

// The scenarios every OS shares (ts/test-support/channel-scenarios.ts; the Wine suite registers
// the same list); below them, what only the Linux object (/dev/shm/<name>) lets a test do.
const linux: ChannelScenarioContext = {
  name: () => uniq(),
  plant(name, bytes) {
    writeFileSync(`/dev/shm/${name}`, bytes);
    return { [Symbol.dispose]: () => rmSync(`/dev/shm/${name}`, { force: true }) };
  },
};

describe('Channel (one process, two handles)', () => {
  for (const s of channelScenarios) it(s.title, () => s.run(linux));

  it('trySendWords + pollInPlace (the IPC fast path): the same records as trySendParts + receiveView, across wraps', () => {
    const name = uniq();
    using rx = Channel.create(name, { capacity: 4096 });
    using tx = Channel.open(name);
    expect(rx.pollInPlace(0)).toBe(-1);
    const bytes = new Uint8Array(rx.sharedBuffer);
    for (let i = 0; i < 400; i++) {
      const body = new Uint8Array(i % 37).fill(i);
      // Words as ipc_message.ksy's header: kind, client id, correlation id, reserved (little-endian).
      const id = (0xfffffff0 + i) >>> 0;
      expect(tx.trySendWords(4, 0x89abcdef | 0, id | 0, 0, body)).toBe(true);
      const at = rx.pollInPlace(0);
      expect(at).toBeGreaterThan(0);
      const rec = bytes.slice(at, at + rx.placedLength());
      const head = new Uint8Array(16);
      const dv = new DataView(head.buffer);
      dv.setUint32(0, 4, true);
      dv.setUint32(4, 0x89abcdef, true);
      dv.setUint32(8, id, true);
      expect(tx.trySendParts(head, body)).toBe(true);
      const v = rx.receiveView(0)!;
      expect(rec).toEqual(v.slice());
      expect(rec.subarray(16)).toEqual(body);
    }
    rx.releaseView();
    expect(rx.tryReceive()).toBeUndefined();
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

  it('the shared tail lags the reader by less than min(capacity / 8, 4096) bytes; a receive that finds nothing, and close, store it', () => {
    const name = uniq();
    const rx = Channel.create(name, { capacity: 4096, spinMicros: 0 }); // stores tail every 512 bytes
    using tx = Channel.open(name);
    const tail = () => ChannelHeader.decode(readFileSync(`/dev/shm/${name}`).subarray(0, 1024)).tail;
    for (let i = 0; i < 3; i++) tx.send(new Uint8Array(64).fill(i)); // 72-byte frames
    for (let i = 0; i < 3; i++) expect(rx.receive(0)![0]).toBe(i);
    expect(tail()).toBe(0); // 216 bytes taken, not yet handed back
    expect(rx.tryReceive()).toBeUndefined();
    expect(tail()).toBe(216);
    for (let i = 0; i < 8; i++) tx.send(new Uint8Array(64));
    for (let i = 0; i < 7; i++) rx.receiveView(0);
    expect(tail()).toBe(216); // 6 frames released (the 7th view is held): 432 < 512
    rx.receiveView(0); // releases the 7th: 504
    expect(tail()).toBe(216);
    expect(rx.receiveView(0)).toBeUndefined(); // releases the 8th (576 >= 512), then finds nothing
    expect(tail()).toBe(216 + 576);
    tx.send(new Uint8Array(64));
    expect(rx.receive(0)!.length).toBe(64);
    expect(tail()).toBe(792);
    rx.close();
    expect(tail()).toBe(864);
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
