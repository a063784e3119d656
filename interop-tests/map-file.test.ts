// File-backed maps, Node <-> .NET 10. The Peer uses only the BCL here
// (MemoryMappedFile.CreateFromFile), exactly as an unmodified .NET app on Linux would.
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SharedMap } from '../ts/map/shared-map.js';
import { hex, tempDir } from './map-helpers.js';
import { Peer } from './peer.js';

describe('file-backed maps, Node <-> .NET 10 (BCL MemoryMappedFile.CreateFromFile)', () => {
  it('the Peer creates a file map with CreateFromFile; Node opens the file and sees the bytes, and its writes reach the file', async () => {
    using t = tempDir();
    const path = join(t.dir, 'peer-made.bin');
    const data = randomBytes(100);
    await using peer = Peer.start('map-write', { path, create: 1, size: 10000, offset: 123, data: hex(data), hold: 1 });
    expect(await peer.next('written')).toMatchObject({ size: 10000 });
    using map = SharedMap.openFile(path);
    expect(map.size).toBe(10000);
    expect(hex(map.bytes.subarray(123, 223))).toBe(hex(data));
    map.bytes.set([0xee], 0);
    map.flush();
    peer.send();
    await peer.next('closed');
    expect(readFileSync(path)[0]).toBe(0xee);
    expect(hex(readFileSync(path).subarray(123, 223))).toBe(hex(data));
  });

  it('Node creates a file map (0600); the Peer opens it with CreateFromFile and reads the bytes, read-write and read-only', async () => {
    using t = tempDir();
    const path = join(t.dir, 'node-made.bin');
    using map = SharedMap.createFile(path, 48);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    map.bytes.set([9, 8, 7, 6, 5], 40);
    for (const readOnly of [0, 1]) {
      const events = await Peer.run('map-read', { path, offset: 40, length: 8, readOnly });
      expect(events.find((e) => e.event === 'read')).toMatchObject({ hex: '0908070605000000', size: 48 });
    }
  });

  it('the Peer writes into a file Node has mapped; Node sees it at once, without reopening', async () => {
    using t = tempDir();
    const path = join(t.dir, 'live.bin');
    using map = SharedMap.createFile(path, 4096);
    await Peer.run('map-write', { path, offset: 2000, data: 'c0ffee' });
    expect(hex(map.bytes.subarray(2000, 2003))).toBe('c0ffee');
  });
});
