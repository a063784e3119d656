// IpcServer / IpcClient between Node and the .NET Peer (.NET 10), over channels: 10^5 requests
// each way, every response matched to its own request; one-way messages, server pushes, handler
// errors (REMOTE) and a server that stops (PEER_GONE). Rates and round trips are printed.
import { describe, expect, it } from 'vitest';
import { IpcClient } from '../ts/ipc/client.js';
import type { IpcMessage } from '../ts/ipc/message.js';
import { IpcServer } from '../ts/ipc/server.js';
import { Peer } from './peer.js';
import { uniqueName } from '../ts/test-support/unique-name.js';

const uniq = (tag: string) => uniqueName('twinmap-it', tag);
const N = 100_000;

describe('IpcServer / IpcClient, Node <-> .NET', () => {
  it(`Node client -> .NET server: ${N} requests, each answered with its own response`, async () => {
    const name = uniq('ipc-d');
    await using server = Peer.start('ipc-server', { name });
    await server.next('ready');
    using client = IpcClient.connect(name);
    // Round trip, one request at a time.
    const rtt: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t0 = performance.now();
      await client.request(`p${i}`);
      rtt.push(performance.now() - t0);
    }
    rtt.sort((a, b) => a - b);
    console.log(`IpcClient (Node) -> IpcServer (.NET) request round trip, one at a time: median ${(rtt[1000]! * 1000).toFixed(0)} µs, p99 ${(rtt[1980]! * 1000).toFixed(0)} µs`);
    let next = 0;
    let matched = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let i = next++; i < N; i = next++) {
          const req = new Uint8Array(16);
          new DataView(req.buffer).setUint32(0, i, true);
          const resp = await client.request(req, 10_000);
          if (resp.length !== 19 || new TextDecoder().decode(resp.subarray(0, 3)) !== 'ok:' || new DataView(resp.buffer, resp.byteOffset + 3).getUint32(0, true) !== i) {
            throw new Error(`request ${i}: a response that is not its own`);
          }
          matched++;
        }
      }),
    );
    const ms = performance.now() - t0;
    console.log(`Node -> .NET: ${N} requests (32 in flight) in ${ms.toFixed(0)} ms = ${((N / ms) * 1000).toFixed(0)} requests/s`);
    expect(matched).toBe(N);
    // One-way messages and a push back.
    const pushed = new Promise<IpcMessage>((resolve) => client.once('received', resolve));
    for (let i = 0; i < 10; i++) client.send(`m${i}`);
    client.send('push-me');
    expect((await pushed).text()).toBe('pushed');
    await expect(client.request('fail')).rejects.toMatchObject({ code: 'REMOTE', message: expect.stringContaining('the .NET handler refused') });
    server.send('quit');
    expect(await server.next('done')).toMatchObject({ received: 11 });
    await server.exited; // it removes its channel on the way out
    expect(() => client.send('late')).toThrow(expect.objectContaining({ code: 'PEER_GONE' }));
  });

  it(`.NET client -> Node server: ${N} requests, each answered with its own response`, async () => {
    const name = uniq('ipc-n');
    using server = new IpcServer(name);
    server.onRequest = (m) => {
      if (m.text() === 'fail') throw new Error('the Node handler refused');
      const out = new Uint8Array(3 + m.data.length);
      out.set([0x6f, 0x6b, 0x3a]);
      out.set(m.data, 3);
      return out;
    };
    server.start();
    await using client = Peer.start('ipc-client', { name, count: N, concurrency: 16 });
    await client.next('ready');
    const done = await client.next('done', 120_000);
    console.log(`.NET -> Node: ${N} requests (16 in flight) in ${Number(done['ms']).toFixed(0)} ms = ${((N / Number(done['ms'])) * 1000).toFixed(0)} requests/s`);
    expect(done).toMatchObject({ matched: N });
    expect(await client.next('remote-error')).toMatchObject({ message: expect.stringContaining('the Node handler refused') });
    await client.exited; // it removes its reply channel on the way out
  });
});

describe('JSON messages as JSON records (json_record.ksy), Node <-> .NET', () => {
  it('requestJson from Node is answered by a .NET handler that reads and writes JsonRecord', async () => {
    const name = uniq('ipc-json');
    await using server = Peer.start('ipc-server', { name, json: 1 });
    await server.next('ready');
    using client = IpcClient.connect(name);
    expect(await client.requestJson({ a: 2, b: 40 })).toEqual({ sum: 42 });
    await expect(client.request('not a json record')).rejects.toMatchObject({ code: 'REMOTE' });
    server.send('quit');
    await server.next('done');
    await server.exited; // it removes its channel on the way out
  });
});

describe('IpcServer / IpcClient over the named-pipe transport, Node <-> .NET (NamedPipeServerStream / NamedPipeClientStream)', () => {
  const M = 20_000;
  it(`Node client -> .NET NamedPipeServerStream: ${M} requests matched, messages, errors`, async () => {
    const name = uniq('pipe-d');
    await using server = Peer.start('ipc-server', { name, transport: 'pipe' });
    await server.next('ready');
    const client = await IpcClient.connectAsync(name, { transport: 'pipe' });
    const rtt: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t0 = performance.now();
      await client.request(`p${i}`);
      rtt.push(performance.now() - t0);
    }
    rtt.sort((a, b) => a - b);
    console.log(`pipe: IpcClient (Node) -> IpcServer (.NET) round trip, one at a time: median ${(rtt[1000]! * 1000).toFixed(0)} µs, p99 ${(rtt[1980]! * 1000).toFixed(0)} µs`);
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let i = next++; i < M; i = next++) {
          const resp = await client.request(`q${i}`, 10_000);
          if (new TextDecoder().decode(resp) !== `ok:q${i}`) throw new Error(`request ${i}: a response that is not its own`);
        }
      }),
    );
    console.log(`pipe: Node -> .NET ${M} requests (32 in flight): ${((M / (performance.now() - t0)) * 1000).toFixed(0)} requests/s`);
    const pushed = new Promise<IpcMessage>((resolve) => client.once('received', resolve));
    client.send('push-me');
    expect((await pushed).text()).toBe('pushed');
    await expect(client.request('fail')).rejects.toMatchObject({ code: 'REMOTE' });
    client.close();
    server.send('quit');
    expect(await server.next('done')).toMatchObject({ received: 1 });
    await server.exited;
  });

  it(`.NET NamedPipeClientStream -> Node pipe server: ${M} requests matched`, async () => {
    const name = uniq('pipe-n');
    using server = new IpcServer(name, { transport: 'pipe' });
    server.onRequest = (m) => {
      if (m.text() === 'fail') throw new Error('the Node handler refused');
      const out = new Uint8Array(3 + m.data.length);
      out.set([0x6f, 0x6b, 0x3a]);
      out.set(m.data, 3);
      return out;
    };
    server.start();
    await server.listening;
    await using client = Peer.start('ipc-client', { name, count: M, concurrency: 16, transport: 'pipe' });
    await client.next('ready');
    const done = await client.next('done', 120_000);
    console.log(`pipe: .NET -> Node ${M} requests (16 in flight) in ${Number(done['ms']).toFixed(0)} ms = ${((M / Number(done['ms'])) * 1000).toFixed(0)} requests/s`);
    expect(done).toMatchObject({ matched: M });
    expect(await client.next('remote-error')).toMatchObject({ message: expect.stringContaining('the Node handler refused') });
    await client.exited; // it removes its reply channel on the way out
  });
});
