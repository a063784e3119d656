// One Node process of a bench pair, started (pinned) by the harness and stepped over stdin:
//   node dist/bench/side.js stream-server path=P      Node's end of the Node <-> Node socket baseline
//   node dist/bench/side.js stream-client path=P      client of a socket server (Node or .NET)
//   node dist/bench/side.js channel-server req=R resp=S spin=US capacity=B   twinmap channel echo/sink
//   node dist/bench/side.js channel-client req=R resp=S spin=US [batch=B]     its client (same steps; batch: one-way with sendMany of B)
//   node dist/bench/side.js mutex name=N               NamedMutex rates (steps: "uncontended N", "contended MS")
//   node dist/bench/side.js ipc-client name=N transport=channel|pipe   IpcClient.request round trips (step: rtt)
// A client reads one JSON step per line ({"op":"rtt",...}) and answers with one
// {"event":"result",...} line; errors become {"event":"error"} (the .NET Peer's convention).
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { existsSync, unlinkSync } from 'node:fs';
import { oneWay, open, roundTrips, serveStream } from './stream.js';
import type { Socket } from 'node:net';
import { NamedMutex } from 'twinmap';
import { ChannelClient, serveChannel, type ChannelNames } from './channel-side.js';
import { connectIpc, ipcRoundTrips } from './ipc-side.js';
import { emitEvent as emit, parseKeyValueArgs as parseArgs } from '../ts/test-support/peer-process.js';

export interface Step {
  op: string;
  size?: number;
  n?: number;
  warmup?: number;
  ms?: number;
  /** Time cap for a latency case (ms). */
  maxMs?: number;
}

/** Reads steps from stdin, one at a time, until stdin closes. */
async function serveSteps(handle: (step: Step) => Promise<Record<string, unknown>>): Promise<void> {
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === '') continue;
    try {
      emit('result', await handle(JSON.parse(line) as Step));
    } catch (e) {
      emit('error', { type: (e as Error).name, message: (e as Error).message });
    }
  }
}

async function streamClient(path: string): Promise<void> {
  let idle: Socket | undefined;
  await serveSteps(async (step) => {
    switch (step.op) {
      case 'rtt':
        return { latency: await roundTrips(path, step.size ?? 64, step.n ?? 100_000, step.warmup ?? 5_000, step.maxMs) };
      case 'oneway':
        return { throughput: await oneWay(path, step.size ?? 1024, step.ms ?? 1000) };
      case 'idle-begin':
        idle = await open(path, 'i');
        return {};
      case 'idle-end':
        idle?.destroy();
        idle = undefined;
        return {};
      default:
        throw new Error(`unknown step '${step.op}'`);
    }
  });
}

/** Same steps and answers as the Peer's bench-mutex (BCL Mutex), so the rows compare. */
async function mutexSide(name: string): Promise<void> {
  using m = NamedMutex.openOrCreate(name);
  emit('ready', { pid: process.pid, node: process.version });
  for await (const line of createInterface({ input: process.stdin })) {
    const [kind, amount] = line.trim().split(' ');
    const n = Number(amount);
    if (!Number.isInteger(n) || n <= 0 || (kind !== 'uncontended' && kind !== 'contended')) {
      emit('error', { type: 'UsageError', message: `mutex: bad step '${line}'` });
      continue;
    }
    let start = performance.now();
    let pairs = 0;
    if (kind === 'uncontended') {
      for (let i = 0; i < n / 10; i++) {
        m.lock(); // warm-up (JIT), not measured
        m.unlock();
      }
      start = performance.now();
      for (; pairs < n; pairs++) {
        m.lock();
        m.unlock();
      }
    } else {
      const until = start + n;
      do {
        for (let i = 0; i < 64; i++) {
          m.lock(); // 'abandoned' still means acquired
          m.unlock();
        }
        pairs += 64;
      } while (performance.now() < until);
    }
    const ns = (performance.now() - start) * 1e6;
    emit('result', { pairs, ns, nsPerPair: ns / pairs });
  }
}

const [role, ...rest] = process.argv.slice(2);
const args = parseArgs(rest);
const need = (k: string): string => {
  const v = args.get(k);
  if (v === undefined) throw new Error(`missing argument '${k}='`);
  return v;
};

function channelNames(): ChannelNames {
  return { req: need('req'), resp: need('resp'), spinMicros: Number(need('spin')), batch: Number(args.get('batch') ?? 0) };
}

try {
  switch (role) {
    case 'stream-server': {
      const path = need('path');
      if (existsSync(path)) throw new Error(`socket path ${path} already exists`);
      const server = serveStream(path);
      server.on('listening', () => emit('ready', { pid: process.pid, node: process.version, path }));
      const close = (): void => {
        server.close();
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
        process.exit(0);
      };
      process.on('SIGTERM', close);
      process.stdin.on('end', close).resume();
      break;
    }
    case 'stream-client':
      emit('ready', { pid: process.pid, node: process.version });
      await streamClient(need('path'));
      break;
    case 'mutex':
      await mutexSide(need('name'));
      break;
    case 'channel-server':
      serveChannel(channelNames(), Number(need('capacity')), () => emit('ready', { pid: process.pid, node: process.version }));
      break;
    case 'channel-client': {
      const client = new ChannelClient(channelNames());
      emit('ready', { pid: process.pid, node: process.version });
      await serveSteps(async (step) => {
        switch (step.op) {
          case 'rtt':
            return { latency: client.roundTrips(step.size ?? 64, step.n ?? 100_000, step.warmup ?? 5_000, step.maxMs) };
          case 'oneway':
            return { throughput: client.oneWay(step.size ?? 1024, step.ms ?? 1000) };
          case 'idle-begin':
            client.idleBegin();
            return {};
          case 'idle-end':
            client.idleEnd();
            return {};
          default:
            throw new Error(`unknown step '${step.op}'`);
        }
      });
      client.close();
      break;
    }
    case 'ipc-client': {
      const transport = need('transport');
      if (transport !== 'channel' && transport !== 'pipe') throw new Error(`transport=${transport}: expected channel or pipe`);
      const client = await connectIpc(need('name'), transport);
      emit('ready', { pid: process.pid, node: process.version });
      await serveSteps(async (step) => {
        if (step.op !== 'rtt') throw new Error(`ipc-client: unknown step '${step.op}'`);
        return { latency: await ipcRoundTrips(client, step.size ?? 64, step.n ?? 100_000, step.warmup ?? 5_000, step.maxMs) };
      });
      client.close();
      break;
    }
    default:
      throw new Error(`unknown role '${role ?? ''}'`);
  }
} catch (e) {
  emit('error', { type: (e as Error).name, message: (e as Error).message });
  process.exitCode = 1;
}
