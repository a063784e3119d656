// One Node process of a bench pair, started (pinned) by the harness and stepped over stdin:
//   node dist/bench/side.js stream-server path=P      Node's end of the Node <-> Node socket baseline
//   node dist/bench/side.js stream-client path=P      client of a socket server (Node or .NET)
// A client reads one JSON step per line ({"op":"rtt",...}) and answers with one
// {"event":"result",...} line; errors become {"event":"error"} (the .NET Peer's convention).
import { createInterface } from 'node:readline';
import { existsSync, unlinkSync } from 'node:fs';
import { oneWay, open, roundTrips, serveStream } from './stream.js';
import type { Socket } from 'node:net';

function emit(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
}

function parseArgs(argv: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const a of argv) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new Error(`argument '${a}' is not key=value`);
    m.set(a.slice(0, eq), a.slice(eq + 1));
  }
  return m;
}

export interface Step {
  op: string;
  size?: number;
  n?: number;
  warmup?: number;
  ms?: number;
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
        return { latency: await roundTrips(path, step.size ?? 64, step.n ?? 100_000, step.warmup ?? 5_000) };
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

const [role, ...rest] = process.argv.slice(2);
const args = parseArgs(rest);
const need = (k: string): string => {
  const v = args.get(k);
  if (v === undefined) throw new Error(`missing argument '${k}='`);
  return v;
};

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
    default:
      throw new Error(`unknown role '${role ?? ''}'`);
  }
} catch (e) {
  emit('error', { type: (e as Error).name, message: (e as Error).message });
  process.exitCode = 1;
}
