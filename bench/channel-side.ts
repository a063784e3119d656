// twinmap channels, Node's half of the bench pairs. A pair is two channels: `req` (client ->
// server) and `resp` (server -> client). The server is told what to do by a one-byte record:
// 'e' echo every record back, 's' sink (a zero-length record asks for [u64 records][u64 bytes]),
// 'i' idle. The client answers the harness's steps like the socket client (side.ts).
import { performance } from 'node:perf_hooks';
import { Channel } from 'twinmap';
import { summarise, type Latency } from './stats.js';
import type { Throughput } from './stream.js';

export interface ChannelNames {
  req: string;
  resp: string;
  spinMicros: number;
  /** One-way sends with sendMany of this many records (0: send, one by one). */
  batch?: number;
}

const control = (mode: 'e' | 's' | 'i') => Uint8Array.of(mode.charCodeAt(0));

/** Creates both channels, then serves records until killed (blocking receives: this process does nothing else). */
export function serveChannel(n: ChannelNames, capacity: number, ready: () => void): never {
  const req = Channel.create(n.req, { capacity, spinMicros: n.spinMicros });
  const resp = Channel.create(n.resp, { capacity, spinMicros: n.spinMicros });
  ready();
  let mode = 0;
  let records = 0n;
  let bytes = 0n;
  for (;;) {
    const m = req.receiveView()!;
    if (m.length === 1) {
      mode = m[0]!;
      continue;
    }
    if (mode === 0x65 /* e */) resp.send(m);
    else if (m.length === 0) {
      const totals = new DataView(new ArrayBuffer(16));
      totals.setBigInt64(0, records, true);
      totals.setBigInt64(8, bytes, true);
      resp.send(new Uint8Array(totals.buffer));
      records = bytes = 0n;
    } else {
      records++;
      bytes += BigInt(m.length);
    }
  }
}

export class ChannelClient {
  private readonly req: Channel;
  private readonly resp: Channel;
  private idle: AbortController | undefined;
  private readonly batch: number;

  constructor(n: ChannelNames) {
    this.batch = n.batch ?? 0;
    this.req = Channel.open(n.req, { spinMicros: n.spinMicros });
    this.resp = Channel.open(n.resp, { spinMicros: n.spinMicros });
  }

  roundTrips(size: number, n: number, warmup: number, maxMs = Infinity): Latency {
    this.req.send(control('e'));
    const out = new Uint8Array(size).fill(0x5a);
    const samples = new Float64Array(n);
    let first = 0;
    let i = -warmup;
    for (; i < n; i++) {
      if (i === 0) first = performance.now();
      const start = performance.now();
      if (i > 0 && (i & 1023) === 0 && start - first > maxMs) break;
      this.req.send(out);
      const back = this.resp.receiveView()!;
      if (i >= 0) samples[i] = (performance.now() - start) * 1e6;
      if (back.length !== size) throw new Error(`echo returned ${back.length} bytes for a ${size}-byte record`);
    }
    return summarise(samples.subarray(0, i), (performance.now() - first) * 1e6);
  }

  oneWay(size: number, ms: number): Throughput {
    this.req.send(control('s'));
    const out = new Uint8Array(size).fill(0x5a);
    let sent = 0;
    const start = performance.now();
    const deadline = start + ms;
    if (this.batch > 0) {
      const many = Array.from({ length: this.batch }, () => out);
      while (performance.now() < deadline) {
        for (let k = 0; k < 64; k += many.length) this.req.sendMany(many);
        sent += Math.ceil(64 / many.length) * many.length;
      }
    } else {
      while (performance.now() < deadline) {
        for (let k = 0; k < 64; k++) this.req.send(out);
        sent += 64;
      }
    }
    this.req.send(new Uint8Array(0));
    const totals = this.resp.receive()!;
    const seconds = (performance.now() - start) / 1000;
    const messages = Number(new DataView(totals.buffer, totals.byteOffset, 16).getBigInt64(0, true));
    if (messages !== sent) throw new Error(`sink counted ${messages} records, ${sent} were sent`);
    return { bytes: size, messages, seconds, messagesPerSecond: messages / seconds, gbPerSecond: (messages * size) / seconds / 1e9 };
  }

  /** Both sides wait: the server in a blocking receive, this side in an async receive (its waiter thread). */
  idleBegin(): void {
    this.req.send(control('i'));
    this.idle = new AbortController();
    this.resp.receiveAsync(Infinity, this.idle.signal).catch(() => undefined);
  }

  idleEnd(): void {
    this.idle?.abort();
    this.idle = undefined;
  }

  close(): void {
    this.req.close();
    this.resp.close();
  }
}
