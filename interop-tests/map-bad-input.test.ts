// Maps, bad input: missing maps, invalid names, taken names and unsized objects give
// typed errors on both sides (Node: SharedMap; .NET 10: Twinmap.SharedMap for names, the BCL for
// files), and neither process crashes: the Peer reports the exception and exits with code 1.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlreadyExistsError, BadHeaderError, InvalidNameError, NotFoundError } from '../ts/errors.js';
import { SharedMap } from '../ts/map/shared-map.js';
import { tempDir, uniqueMapName } from './map-helpers.js';
import { Peer, type PeerArgValue } from './peer.js';

async function peerError(command: string, args: Record<string, PeerArgValue>) {
  const peer = Peer.start(command, args);
  const { exitCode, signal } = await peer.exited;
  expect({ exitCode, signal }).toEqual({ exitCode: 1, signal: undefined }); // an error, not a crash
  const error = peer.drain().find((e) => e.event === 'error');
  expect(error).toBeDefined();
  return error!;
}

describe('map bad input, Node and .NET 10', () => {
  it('opening a map that does not exist: NotFoundError here, NotFoundException in the Peer', async () => {
    using n = uniqueMapName('missing');
    expect(() => SharedMap.open(n.name)).toThrow(NotFoundError);
    expect(await peerError('map-read', { name: n.name, length: 1 })).toMatchObject({ type: 'NotFoundException' });
  });

  it('opening a file that does not exist: NotFoundError here, FileNotFoundException from the BCL', async () => {
    using t = tempDir();
    const path = join(t.dir, 'nothing.bin');
    expect(() => SharedMap.openFile(path)).toThrow(NotFoundError);
    expect(await peerError('map-read', { path, length: 1 })).toMatchObject({ type: 'FileNotFoundException' });
  });

  it.each(['a/b', '..', 'Foo\\bar', 'Global\\', 'x'.repeat(256)])('the invalid name %j: InvalidNameError on both sides', async (bad) => {
    expect(() => SharedMap.openOrCreate(bad, { size: 64 })).toThrow(InvalidNameError);
    const e = await peerError('map-write', { name: bad, create: 1, size: 64, data: '00' });
    expect(e).toMatchObject({ type: 'InvalidNameException' });
  });

  it('creating a name the other side created: AlreadyExists on both sides, the map untouched', async () => {
    using n = uniqueMapName('taken');
    using map = SharedMap.create(n.name, { size: 64 });
    map.bytes[0] = 1;
    expect(await peerError('map-write', { name: n.name, create: 1, size: 64, data: 'ff' })).toMatchObject({ type: 'AlreadyExistsException' });
    expect(map.bytes[0]).toBe(1);
    map.close();
    SharedMap.unlink(n.name);
    await using peer = Peer.start('map-write', { name: n.name, create: 1, size: 64, data: 'ff', hold: 1 });
    await peer.next('written');
    expect(() => SharedMap.create(n.name, { size: 64 })).toThrow(AlreadyExistsError);
    peer.send();
    await peer.next('closed');
  });

  it('an object nobody sized (0 bytes): BadHeaderError here, BadHeaderException in the Peer', async () => {
    using n = uniqueMapName('unsized');
    writeFileSync(`/dev/shm/${n.name}`, '', { mode: 0o600 });
    expect(() => SharedMap.open(n.name)).toThrow(BadHeaderError);
    expect(await peerError('map-read', { name: n.name, length: 1 })).toMatchObject({ type: 'BadHeaderException' });
  });

  it('reading past the end of a map is refused on both sides, not a read past the mapping', async () => {
    using n = uniqueMapName('past');
    using map = SharedMap.create(n.name, { size: 64 });
    expect(() => map.read(60, 8)).toThrow(/8 bytes at offset 60/);
    // The BCL's ReadArray stops at the end of the view (it reads 4 of the 8 asked), and refuses
    // an offset past the end: neither reads past the mapping.
    const events = await Peer.run('map-read', { name: n.name, offset: 60, length: 8 });
    expect(events.find((e) => e.event === 'read')).toMatchObject({ count: 4, hex: '00000000' });
    expect(String((await peerError('map-read', { name: n.name, offset: 100, length: 8 }))['type'])).toMatch(/^Argument/);
  });
});
