// Channel and IpcServer/IpcClient between Windows node.exe and the Windows .NET 10 Peer (win-x64,
// self-contained), both under Wine: the C# Channel on Windows (dotnet/Twinmap/RegionFutex.Windows.cs,
// Win32Sidecar.cs, Liveness.Windows.cs) meets the TS one (ts/futex/win32.ts,
// ts/map/win32.ts, ts/liveness/win32.ts) on the same sections, semaphores and header fields.
// Records are ts/test-support/channel-records.ts's (= the Peer's TestRecords): writer id, sequence
// number and an FNV-1a checksum, so a lost, repeated, reordered or torn record is caught.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IpcClient } from '../ts/ipc/client.js';
import { IpcServer } from '../ts/ipc/server.js';
import { selfStartTime, isAlive } from '../ts/liveness/liveness.js';
import { SharedMap } from '../ts/map/shared-map.js';
import { native } from '../ts/native.js';
import { channelPeerScenarios, type ChannelPeerContext } from '../ts/test-support/channel-peer-scenarios.js';
import { plantSection, startNodeWriter, startPeer, uniqueName } from './helpers.js';

const CAPACITY = 8192;
// Mostly up to 3000 bytes (a ring of 8 KiB wraps every few records), 1 % up to the largest a
// ring of 8 KiB carries (8184, so some need more than half the ring).
const MAX_SMALL = 3000;
const MAX_LARGE = CAPACITY - 8;
const PEER_START_MS = 60_000;

describe('Windows Node <-> Windows .NET 10: what each side records about the other', () => {
  it('pid + start time: .NET and Node write the same start time for a process and judge each other alive', async () => {
    const start = selfStartTime();
    assert.ok(start > 0n);
    const peer = startPeer('liveness', { pid: process.pid, start: String(start) });
    const r = await peer.next('ready', PEER_START_MS);
    assert.equal(r['alive'], true, '.NET finds this node.exe alive with the start time Node records');
    assert.equal(r['aliveOtherStart'], false, '.NET tells a reused pid (another start time) from this process');
    const pid = Number(r['pid']);
    assert.equal(pid, peer.pid);
    assert.equal(BigInt(Number(r['startTime'])), BigInt(native.win32!.processStartTime(pid)!), 'the start time .NET records for itself is the one Node reads');
    assert.equal(isAlive(pid, BigInt(Number(r['startTime']))), true);
    peer.send('');
    assert.equal((await peer.exited).exitCode, 0);
    assert.equal(isAlive(pid, BigInt(Number(r['startTime']))), false, 'an exited .NET process is dead to Node');
  });

  it('a named map made by either side opens in the other at its exact size (the side-car), not in whole pages', async () => {
    const name = uniqueName('map-size');
    using map = SharedMap.create(name, { size: 5000 });
    map.bytes.set([9, 8, 7, 6], 4996);
    const reader = startPeer('map-read', { name, twinmap: 1, offset: 4996, length: 8 });
    const read = await reader.next('read', PEER_START_MS);
    assert.equal(read['size'], 5000);
    assert.equal(read['hex'], '09080706', 'the .NET view ends where the map does');
    assert.equal((await reader.exited).exitCode, 0);

    const other = uniqueName('map-size');
    const writer = startPeer('map-write', { name: other, twinmap: 1, create: 1, size: 6000, offset: 5996, data: '01020304', hold: 1 });
    assert.equal((await writer.next('written', PEER_START_MS))['size'], 6000);
    using theirs = SharedMap.open(other);
    assert.equal(theirs.size, 6000);
    assert.deepEqual([...theirs.bytes.subarray(5996)], [1, 2, 3, 4]);
    writer.send('');
    await writer.next('closed');
    assert.equal((await writer.exited).exitCode, 0);
  });
});

// The scenarios vitest registers too (ts/test-support/channel-peer-scenarios.ts). The .NET
// writer's stream runs under a Global\ name: the side-car and semaphores are Global\ too.
const win32: ChannelPeerContext = {
  // Node -> .NET runs unprefixed (Local\ on both sides).
  name: (tag) => uniqueName(`ch-${tag}`, tag === 'd2n' ? 'Global\\' : tag === 'n2d' ? '' : 'Local\\'),
  startPeer,
  peerStartMs: PEER_START_MS,
  records: 3000,
  capacity: CAPACITY,
  maxSmall: MAX_SMALL,
  maxLarge: MAX_LARGE,
  writerKills: 1,
  startNodeWriter,
  mixedRecords: 1000,
  nodeWriterKills: 1,
  makeSection: plantSection,
};

describe('Windows Node <-> Windows .NET 10: Channel records', () => {
  for (const s of channelPeerScenarios) it(s.title(win32), () => s.run(win32));
});

describe('Windows Node <-> Windows .NET 10: IpcServer / IpcClient', () => {
  it('Node IpcClient -> .NET IpcServer: requests answered with their own responses, messages, a push, a handler error', async () => {
    const name = uniqueName('ipc-d');
    const server = startPeer('ipc-server', { name, capacity: 65536 });
    await server.next('ready', PEER_START_MS);
    using client = IpcClient.connect(name);
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = next++; i < 500; i = next++) {
          const resp = await client.request(`q${i}`, 10_000);
          assert.equal(new TextDecoder().decode(resp), `ok:q${i}`);
        }
      }),
    );
    const pushed = new Promise<string>((resolve) => client.once('received', (m: { text(): string }) => resolve(m.text())));
    for (let i = 0; i < 5; i++) client.send(`m${i}`);
    client.send('push-me');
    assert.equal(await pushed, 'pushed');
    await assert.rejects(client.request('fail'), (e: { code?: string; message: string }) => e.code === 'REMOTE' && e.message.includes('the .NET handler refused'));
    server.send('quit');
    assert.equal((await server.next('done'))['received'], 6);
    assert.equal((await server.exited).exitCode, 0);
    assert.throws(() => client.send('late'), { code: 'PEER_GONE' });
  });

  it('.NET IpcClient -> Node IpcServer: requests answered with their own responses, a handler error', async () => {
    const name = uniqueName('ipc-n');
    using server = new IpcServer(name, { capacity: 65536 });
    server.onRequest = (m) => {
      if (m.text() === 'fail') throw new Error('the Node handler refused');
      const out = new Uint8Array(3 + m.data.length);
      out.set([0x6f, 0x6b, 0x3a]);
      out.set(m.data, 3);
      return out;
    };
    server.start();
    const client = startPeer('ipc-client', { name, count: 500, concurrency: 8 });
    assert.equal((await client.next('done', PEER_START_MS))['matched'], 500);
    assert.match(String((await client.next('remote-error'))['message']), /the Node handler refused/);
    assert.equal((await client.exited).exitCode, 0);
  });
});

describe('Windows Node <-> Windows .NET 10: IpcServer / IpcClient over the named-pipe transport', () => {
  it('Node IpcClient -> .NET NamedPipeServerStream (\\\\.\\pipe\\<name>): requests matched, a handler error', async () => {
    const name = uniqueName('pipe-d', '');
    const server = startPeer('ipc-server', { name, transport: 'pipe' });
    await server.next('ready', PEER_START_MS);
    using client = await IpcClient.connectAsync(name, { transport: 'pipe' });
    for (let i = 0; i < 100; i++) assert.equal(new TextDecoder().decode(await client.request(`p${i}`, 10_000)), `ok:p${i}`);
    await assert.rejects(client.request('fail'), (e: { code?: string; message: string }) => e.code === 'REMOTE' && e.message.includes('the .NET handler refused'));
    server.send('quit');
    await server.next('done');
    assert.equal((await server.exited).exitCode, 0);
  });

  it('.NET NamedPipeClientStream -> Node IpcServer on the pipe: requests matched', async () => {
    const name = uniqueName('pipe-n', '');
    using server = new IpcServer(name, { transport: 'pipe' });
    server.onRequest = (m) => Buffer.concat([Buffer.from('ok:'), m.data]);
    server.start();
    await server.listening;
    const client = startPeer('ipc-client', { name, count: 100, concurrency: 4, transport: 'pipe' });
    assert.equal((await client.next('done', PEER_START_MS))['matched'], 100);
    assert.equal((await client.exited).exitCode, 0);
  });
});
