// The socket baselines, Node's half: what a user would write with `net` and length-prefixed
// records ([u32 LE length][payload]). Talks to the .NET NamedPipeServerStream (bench-pipe) or to
// serveStream below (Node <-> Node). First byte of a connection picks the mode:
// 'e' echo, 's' sink (a zero-length record asks for [u64 records][u64 bytes]), 'i' idle.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { summarise, type Latency } from './stats.js';

function frame(size: number): Buffer {
  const f = Buffer.alloc(4 + size, 0x5a);
  f.writeUInt32LE(size, 0);
  return f;
}

export async function open(path: string, mode: 'e' | 's' | 'i'): Promise<Socket> {
  const sock = connect(path);
  await once(sock, 'connect');
  sock.write(mode);
  return sock;
}

/** n round trips of one `size`-byte record after `warmup` unmeasured ones; one record in flight.
 * Stops early (fewer samples, reported as n) when the measured part exceeds maxMs. */
export async function roundTrips(path: string, size: number, n: number, warmup: number, maxMs = Infinity): Promise<Latency> {
  const sock = await open(path, 'e');
  const out = frame(size);
  const want = out.length;
  const samples = new Float64Array(n);
  let got = 0;
  let i = -warmup;
  let start = 0;
  let first = 0;
  const done = new Promise<void>((resolve, reject) => {
    sock.on('error', reject);
    sock.on('data', (chunk: Buffer) => {
      got += chunk.length;
      if (got < want) return;
      if (got > want) return reject(new Error(`echo returned ${got} bytes for a ${want}-byte record`));
      got = 0;
      const now = performance.now();
      if (i >= 0) samples[i] = (now - start) * 1e6;
      if (++i === n || (i > 0 && (i & 1023) === 0 && now - first > maxMs)) return resolve();
      if (i === 0) first = now;
      start = performance.now();
      sock.write(out);
    });
  });
  if (i === 0) first = performance.now();
  start = performance.now();
  sock.write(out);
  await done;
  const total = (performance.now() - first) * 1e6;
  sock.destroy();
  return summarise(samples.subarray(0, i), total);
}

export interface Throughput {
  bytes: number;
  messages: number;
  seconds: number;
  messagesPerSecond: number;
  gbPerSecond: number;
}

/** Sends `size`-byte records for `ms`, honouring back-pressure; the clock stops when the sink confirms all of them. */
export async function oneWay(path: string, size: number, ms: number): Promise<Throughput> {
  const sock = await open(path, 's');
  const out = frame(size);
  let sent = 0;
  const reply = new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    sock.on('error', reject);
    sock.on('data', (c: Buffer) => {
      parts.push(c);
      const all = Buffer.concat(parts);
      if (all.length >= 16) resolve(all);
    });
  });
  const start = performance.now();
  const deadline = start + ms;
  await new Promise<void>((resolve) => {
    // The clock is read every 64 records, and every time the socket asks us to wait.
    const pump = (): void => {
      for (;;) {
        if (performance.now() >= deadline) return resolve();
        for (let k = 0; k < 64; k++) {
          sent++;
          if (!sock.write(out)) {
            sock.once('drain', pump);
            return;
          }
        }
      }
    };
    pump();
  });
  sock.write(frame(0));
  const totals = await reply;
  const seconds = (performance.now() - start) / 1000;
  sock.destroy();
  const messages = Number(totals.readBigInt64LE(0));
  if (messages !== sent) throw new Error(`sink counted ${messages} records, ${sent} were sent`);
  return { bytes: size, messages, seconds, messagesPerSecond: messages / seconds, gbPerSecond: (messages * size) / seconds / 1e9 };
}

/** Node's server for the same protocol (the Node <-> Node baseline). Parses records as
 * they stream in without re-concatenating: a 1 MiB record arrives in many chunks. */
export function serveStream(path: string): Server {
  const server = createServer((sock) => {
    let mode = -1;
    const header = Buffer.alloc(4);
    let headerHave = 0;
    let remaining = -1; // payload bytes still to come; -1 while reading a header
    let parts: Buffer[] = [];
    let records = 0n;
    let bytes = 0n;
    const finish = (len: number): void => {
      if (mode === 0x65 /* e */) {
        const h = Buffer.alloc(4);
        h.writeUInt32LE(len, 0);
        sock.write(Buffer.concat([h, ...parts]));
        parts = [];
      } else if (len === 0) {
        const totals = Buffer.alloc(16);
        totals.writeBigInt64LE(records, 0);
        totals.writeBigInt64LE(bytes, 8);
        sock.write(totals);
        records = bytes = 0n;
      } else {
        records++;
        bytes += BigInt(len);
      }
    };
    sock.on('error', () => sock.destroy());
    sock.on('data', (chunk: Buffer) => {
      let at = 0;
      if (mode < 0) mode = chunk[at++]!;
      while (at < chunk.length) {
        if (remaining < 0) {
          while (headerHave < 4 && at < chunk.length) header[headerHave++] = chunk[at++]!;
          if (headerHave < 4) break;
          headerHave = 0;
          remaining = header.readUInt32LE(0);
          const len = remaining;
          if (remaining === 0) {
            remaining = -1;
            finish(0);
          }
          if (len === 0) continue;
        }
        const take = Math.min(remaining, chunk.length - at);
        if (mode === 0x65) parts.push(chunk.subarray(at, at + take));
        at += take;
        remaining -= take;
        if (remaining === 0) {
          remaining = -1;
          finish(header.readUInt32LE(0));
        }
      }
    });
  });
  server.listen(path);
  return server;
}
