// twinmap inspect on Windows: the map is a named section; the report reads it through a
// read-only view, as on Linux (.NET's mutexes are kernel objects there, so no mutex files).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Channel } from '../ts/channel/channel.js';
import { inspect } from '../ts/inspect/inspect.js';
import { uniqueName } from './helpers.js';

describe('twinmap inspect on Win32', () => {
  it('reports a channel in a named section: capacity, bytes waiting, reader and writer alive', () => {
    const name = uniqueName('inspect');
    using rx = Channel.create(name, { capacity: 4096 });
    using tx = Channel.open(name);
    tx.send(new Uint8Array(10));
    assert.equal(rx.receive(0)?.length, 10); // the reader attaches on its first receive
    assert.equal(rx.tryReceive(), undefined); // finds nothing: hands the 24 bytes back (stores tail)
    tx.send(new Uint8Array(10));
    const i = inspect(name);
    assert.deepEqual(i.mutexes, []);
    const c = i.map?.contents;
    assert.equal(c?.kind, 'channel');
    if (c?.kind !== 'channel') return;
    assert.equal(c.capacity, 4096);
    assert.equal(c.used, 24); // the second record: 8-byte frame header + 10, padded to 8
    assert.deepEqual(c.reader.state, 'attached');
    assert.deepEqual(c.reader.process, { pid: process.pid, alive: true });
    assert.deepEqual(c.writers, [{ slot: 0, pid: process.pid, alive: true }]);
    assert.deepEqual(c.problems, []);
    assert.equal(inspect(uniqueName('none')).map, undefined);
  });
});
