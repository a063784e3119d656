import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Channel } from '../channel/channel.js';
import * as C from '../channel/layout.js';
import { NamedEvent } from '../event/named-event.js';
import { SharedMap } from '../map/shared-map.js';
import { NamedMutex } from '../mutex/named-mutex.js';
import { uniqueNames } from '../test-support/unique-names.js';
import { formatInspection, inspect } from './inspect.js';

const uniq = uniqueNames('twinmap-test-inspect', (name) => SharedMap.unlink(name));

describe('twinmap inspect (read-only view of a name)', () => {
  it('a channel: positions, the reader and writers with liveness, the lock', () => {
    const name = uniq();
    using rx = Channel.create(name, { capacity: 4096 });
    using tx = Channel.open(name);
    tx.send(new Uint8Array(100));
    expect(rx.receive(0)).toHaveLength(100);
    expect(rx.tryReceive()).toBeUndefined(); // finds nothing: hands the 112 bytes back (stores tail)
    tx.send(new Uint8Array(10));
    const i = inspect(name);
    expect(i.map?.contents).toMatchObject({
      kind: 'channel',
      version: C.CHANNEL_VERSION,
      capacity: 4096,
      used: 24, // one 10-byte record: 8-byte frame header + payload, padded to 8
      reader: { state: 'attached', process: { pid: process.pid, alive: true } },
      writers: [{ slot: 0, pid: process.pid, alive: true }],
      lockHolder: undefined,
      problems: [],
    });
    expect(formatInspection(i)).toContain('24 bytes waiting to be read');
  });

  it('a channel whose header lies: each inconsistency is named with its field', () => {
    const name = uniq();
    Channel.create(name, { capacity: 4096 }).close();
    using map = SharedMap.open(name);
    map.view.setUint32(C.OFF_HEAD, 9000, true); // more in use than the ring holds
    map.view.setUint32(C.OFF_LOCK, 40, true); // slot 39: past the 32 slots
    const c = inspect(name).map?.contents;
    expect(c?.kind).toBe('channel');
    const problems = c?.kind === 'channel' ? c.problems.join('\n') : '';
    expect(problems).toMatch(/head 9000 - tail 0 = 9000 bytes in use, more than the capacity 4096/);
    expect(problems).toMatch(/write_lock 0x28 at offset 68 names slot 39/);
  });

  it('an event, a plain map and nothing at all', () => {
    const ev = uniq();
    using event = NamedEvent.create(ev, { autoReset: false });
    event.set();
    expect(inspect(ev).map?.contents).toMatchObject({ kind: 'event', manualReset: true, set: true, waiters: 0 });
    const plain = uniq();
    writeFileSync(`/dev/shm/${plain}`, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(inspect(plain).map?.contents).toEqual({ kind: 'bytes', magic: 0x04030201 });
    const none = inspect(uniq());
    expect(none).toEqual({ name: none.name, map: undefined, mutexes: [] });
    expect(formatInspection(none)).toContain('nothing by this name');
  });

  it('a .NET-format mutex file: open, and who holds it', () => {
    const name = uniq();
    using m = NamedMutex.create(name);
    expect(inspect(name).mutexes).toMatchObject([{ inUse: true, owner: undefined, abandoned: false, tree: 'shared', userScoped: false, mode: 0o666 }]);
    m.lock();
    expect(inspect(name).mutexes[0]?.owner).toEqual({ pid: process.pid, tid: process.pid, alive: true, osThread: true });
    m.unlock();
  });
});
