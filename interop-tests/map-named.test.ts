// Named maps, Node <-> .NET 10 (the Peer). On Linux the BCL refuses named
// maps, so the Peer opens a *name* with Twinmap.SharedMap (the same /dev/shm/<base> object), and
// an unmodified .NET app reaches it with MemoryMappedFile.CreateFromFile("/dev/shm/<base>"),
// which the BCL-only test below proves. The race test: 4 Node processes + 2 Peers.
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SharedMap } from '../ts/map/shared-map.js';
import { hex, uniqueMapName } from './map-helpers.js';
import { buildDist } from './mutex-helpers.js';
import { Peer, repoRoot } from './peer.js';

describe('named maps, Node <-> .NET 10', () => {
  it('Node creates a named map and writes; the Peer opens it by name and reads the bytes', async () => {
    using n = uniqueMapName('n2p');
    using map = SharedMap.create(n.name, { size: 4096 });
    const data = randomBytes(64);
    map.bytes.set(data, 1000);
    const events = await Peer.run('map-read', { name: n.name, offset: 1000, length: 64 });
    expect(events.find((e) => e.event === 'read')).toMatchObject({ hex: hex(data), size: 4096 });
    const ro = await Peer.run('map-read', { name: `Local\\${n.name}`, offset: 1000, length: 64, readOnly: 1 });
    expect(ro.find((e) => e.event === 'read')).toMatchObject({ hex: hex(data) });
  });

  it('the Peer creates a named map and writes; Node opens it by name and reads the bytes', async () => {
    using n = uniqueMapName('p2n');
    const data = randomBytes(48);
    await using peer = Peer.start('map-write', { name: n.name, create: 1, size: 8192, offset: 4000, data: hex(data), hold: 1 });
    await peer.next('written');
    using map = SharedMap.open(n.name);
    expect(map.size).toBe(8192);
    expect(hex(map.bytes.subarray(4000, 4048))).toBe(hex(data));
    using ro = SharedMap.open(`Global\\${n.name}`, { readOnly: true });
    expect(hex(ro.read(4000, 48))).toBe(hex(data));
    peer.send();
    await peer.next('closed');
  });

  it('both sides see the same pages live: Node writes after the Peer has mapped, the Peer reads it without reopening', async () => {
    using n = uniqueMapName('live');
    using map = SharedMap.create(n.name, { size: 4096 });
    await using peer = Peer.start('map-read', { name: n.name, offset: 8, length: 4, step: 1 });
    await peer.next('opened');
    map.view.setUint32(8, 0x11223344, true);
    peer.send();
    expect(await peer.next('read')).toMatchObject({ hex: '44332211' });
  });

  it('an unmodified .NET app reaches a Node map via CreateFromFile("/dev/shm/<name>"); its OpenExisting(name) is refused on Linux', async () => {
    using n = uniqueMapName('bcl');
    using map = SharedMap.create(n.name, { size: 4096 });
    map.bytes.set([1, 2, 3, 4]);
    const viaFile = await Peer.run('map-read', { path: map.path!, length: 4 });
    expect(viaFile.find((e) => e.event === 'read')).toMatchObject({ hex: '01020304', size: 4096 });
    const viaName = await Peer.run('map-read', { name: n.name, length: 4, bcl: 1 });
    expect(viaName[0]).toMatchObject({ event: 'error', type: 'PlatformNotSupportedException' });
  });
});

describe('openOrCreate races, Node and .NET 10', () => {
  it('4 Node processes and 2 Peers call openOrCreate on one name at the same instant: exactly one creates it, all share it', async () => {
    using n = uniqueMapName('race');
    await buildDist();
    const at = Date.now() + 4000; // every process is up by then and spins until this instant
    const lib = join(repoRoot, 'dist', 'ts', 'index.js');
    const script = `import { SharedMap } from ${JSON.stringify(lib)};
      const [name, at, index] = process.argv.slice(1);
      while (Date.now() < Number(at));
      const map = SharedMap.openOrCreate(name, { size: 4096 });
      map.bytes[Number(index)] = 1;
      console.log(JSON.stringify({ createdNew: map.createdNew, size: map.size }));
      map.close();`;
    const nodes = [0, 1, 2, 3].map((i) => execa('node', ['--input-type=module', '-e', script, n.name, String(at), String(i)]));
    const peers = [4, 5].map((i) => Peer.run('map-write', { name: n.name, create: 'any', size: 4096, offset: i, data: '01', at }));
    const nodeResults = (await Promise.all(nodes)).map((r) => JSON.parse(r.stdout) as { createdNew: boolean; size: number });
    const peerResults = (await Promise.all(peers)).map((events) => events.find((e) => e.event === 'written')!);
    const created = [...nodeResults.map((r) => r.createdNew), ...peerResults.map((e) => e['createdNew'])];
    expect(created.filter((c) => c === true)).toHaveLength(1);
    expect(created.filter((c) => c === false)).toHaveLength(5);
    expect(nodeResults.every((r) => r.size === 4096)).toBe(true);
    using map = SharedMap.open(n.name);
    expect([...map.bytes.subarray(0, 6)]).toEqual([1, 1, 1, 1, 1, 1]);
  });
});
