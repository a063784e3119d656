import { describe, expect, it } from 'vitest';
import { IpcClient } from './client.js';
import { IpcMessage, jsonPayload } from './message.js';
import { IpcServer } from './server.js';
import { uniqueName } from '../test-support/unique-name.js';

const uniq = () => uniqueName('twinmap-test-ipc');

describe('IpcServer / IpcClient over channels (one process)', () => {
  it('one-way messages reach the received event; requests get their own responses', async () => {
    const name = uniq();
    using server = new IpcServer(name, { capacity: 65536 });
    server.onRequest = (m) => `echo:${m.text()}`;
    server.start();
    using client = IpcClient.connect(name);
    const got = new Promise<IpcMessage>((resolve) => server.once('received', resolve));
    client.send('hello');
    const m = await got;
    expect(m.text()).toBe('hello');
    expect(m.clientId).toBe(client.clientId);
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => client.request(`r${i}`)));
    expect(answers.map((a) => new TextDecoder().decode(a))).toEqual(Array.from({ length: 100 }, (_, i) => `echo:r${i}`));
    server.onRequest = (m) => jsonPayload({ got: m.json() });
    expect(await client.requestJson({ a: 1 })).toEqual({ got: { a: 1 } });
    const json = new Promise<IpcMessage>((resolve) => server.once('received', resolve));
    client.sendJson({ token: 'abc', n: [1, 2] });
    const jm = await json;
    expect(jm.json()).toEqual({ token: 'abc', n: [1, 2] });
    expect(new DataView(jm.data.buffer, jm.data.byteOffset).getUint32(0, true)).toBe(jm.data.length - 4); // a JSON record
    expect(() => new IpcMessage(Uint8Array.of(1, 2), 0).json()).toThrow(expect.objectContaining({ code: 'DECODE' }));
    // A handler that throws at once (not a rejected promise) is an error response too; then a
    // sequential run of requests, each answered before the next is sent, every one its own.
    server.onRequest = (m) => {
      if (m.text() === 'fail') throw new Error('failed at once');
      return m.data;
    };
    await expect(client.request('fail')).rejects.toMatchObject({ code: 'REMOTE', message: expect.stringContaining('failed at once') });
    for (let i = 0; i < 200; i++) expect(new TextDecoder().decode(await client.request(`s${i}`))).toBe(`s${i}`);
  });

  it('server push, handler errors (REMOTE), timeouts, and a stopped server (PEER_GONE)', async () => {
    const name = uniq();
    const server = new IpcServer(name, { capacity: 65536 });
    server.onRequest = async (m) => {
      if (m.text() === 'fail') throw new Error('no such thing');
      if (m.text() === 'slow') await new Promise((r) => setTimeout(r, 300));
      return m.data;
    };
    server.start();
    using client = IpcClient.connect(name);
    await client.request('x');
    const pushed = new Promise<IpcMessage>((resolve) => client.once('received', resolve));
    await server.send(client.clientId, 'pushed');
    expect((await pushed).text()).toBe('pushed');
    await expect(client.request('fail')).rejects.toMatchObject({ code: 'REMOTE', message: expect.stringContaining('no such thing') });
    await expect(client.request('slow', 50)).rejects.toMatchObject({ code: 'TIMEOUT' });
    server.stop();
    expect(() => client.send('late')).toThrow(expect.objectContaining({ code: 'PEER_GONE' }));
  });

  it('connecting to a server that never started is NOT_FOUND', () => {
    expect(() => IpcClient.connect(uniq())).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

describe('IpcServer / IpcClient over the named-pipe transport (one process)', () => {
  it('the same API: messages, requests, errors; the socket sits where .NET looks for the pipe', async () => {
    const name = uniq();
    using server = new IpcServer(name, { transport: 'pipe', onRequest: (m) => (m.text() === 'fail' ? Promise.reject(new Error('nope')) : `echo:${m.text()}`) });
    server.start();
    await server.listening;
    const client = await IpcClient.connectAsync(name, { transport: 'pipe' });
    const got = new Promise<IpcMessage>((resolve) => server.once('received', resolve));
    client.send('hello');
    expect((await got).text()).toBe('hello');
    const big = 'x'.repeat(300_000);
    const answers = await Promise.all([...Array.from({ length: 50 }, (_, i) => client.request(`r${i}`)), client.request(big)]);
    expect(new TextDecoder().decode(answers[7])).toBe('echo:r7');
    expect(answers[50]!.length).toBe(5 + big.length);
    await expect(client.request('fail')).rejects.toMatchObject({ code: 'REMOTE' });
    client.close();
    await expect(IpcClient.connectAsync(uniq(), { transport: 'pipe' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
