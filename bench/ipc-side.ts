// IpcClient.request round trips, Node's half of the ipc pairs: a Node IpcClient against the
// Peer's bench-ipc (a .NET IpcServer that echoes each request), over channels or the named pipe.
import { performance } from 'node:perf_hooks';
import { IpcClient, type IpcTransport } from 'twinmap';
import { summarise, type Latency } from './stats.js';

export function connectIpc(name: string, transport: IpcTransport): Promise<IpcClient> {
  return IpcClient.connectAsync(name, { transport });
}

/** n requests of `size` bytes, one in flight, after `warmup` unmeasured ones; stops early after maxMs. */
export async function ipcRoundTrips(client: IpcClient, size: number, n: number, warmup: number, maxMs = Infinity): Promise<Latency> {
  const out = new Uint8Array(size).fill(0x5a);
  const samples = new Float64Array(n);
  let first = 0;
  let i = -warmup;
  for (; i < n; i++) {
    if (i === 0) first = performance.now();
    const start = performance.now();
    if (i > 0 && (i & 1023) === 0 && start - first > maxMs) break;
    const back = await client.request(out, 10_000);
    if (i >= 0) samples[i] = (performance.now() - start) * 1e6;
    if (back.length !== size) throw new Error(`echo returned ${back.length} bytes for a ${size}-byte request`);
  }
  return summarise(samples.subarray(0, i), (performance.now() - first) * 1e6);
}
