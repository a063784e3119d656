// The transports the bench compares, each a pair of processes: a client the harness steps
// (rtt / oneway / idle) and a server. Every pair speaks the same step protocol (see side.ts).
import { existsSync, rmSync } from 'node:fs';
import { Side } from './procs.js';
import { keyValueArgs } from '../ts/test-support/peer-process.js';
import { uniqueName } from '../ts/test-support/unique-name.js';
import { peerDll, sideJs, requireFile } from './paths.js';
import type { CaseName } from './options.js';

export interface Pair {
  client: Side;
  server: Side;
  /** Versions etc. reported by the two sides. */
  info: Record<string, unknown>;
  /** Removes what the pair left behind by name (e.g. shared-memory files) once both sides stopped. */
  cleanup?: () => void;
}

export interface PairSpec {
  id: string;
  label: string;
  /** The latency floor that applies: spin for designs that stay awake, futex for ones that sleep. */
  floor: 'spin' | 'futex';
  /** Sides: which runtime is the client (stepped) and which the server. */
  sides: [string, string];
  /** The cases this pair takes part in (default: latency, throughput, idle, memory). */
  cases?: readonly CaseName[];
  /** Whether this pair can run in this checkout (e.g. its transport has landed). */
  available(): boolean;
  start(cpus: [number, number] | undefined): Promise<Pair>;
}

export function nodeSide(label: string, role: string, args: Record<string, string>, cpu: number | undefined): Side {
  return new Side(label, process.execPath, [requireFile(sideJs, 'npm run bench (compiles bench/)'), role, ...keyValueArgs(args)], cpu);
}

export function dotnetSide(label: string, command: string, args: Record<string, string>, cpu: number | undefined): Side {
  return new Side(label, 'dotnet', [requireFile(peerDll, 'npm run build:dotnet'), command, ...keyValueArgs(args)], cpu);
}

/** Starts the client once the server is ready (the client may need what the server reported). */
export async function startBoth(server: Side, client: (serverReady: Record<string, unknown>) => Side): Promise<Pair> {
  let c: Side | undefined;
  try {
    const ready = await server.next('ready', 60_000);
    c = client(ready);
    const cready = await c.next('ready', 60_000);
    return { client: c, server, info: { server: ready, client: cready } };
  } catch (e) {
    await Promise.all([server.stop(), c?.stop()]);
    throw e;
  }
}

export const PAIRS: PairSpec[] = [
  {
    id: 'pipe',
    label: 'Node ↔ .NET named pipe',
    floor: 'futex',
    sides: ['Node', '.NET'],
    available: () => existsSync(peerDll),
    async start(cpus) {
      const server = dotnetSide('.NET bench-pipe', 'bench-pipe', { name: uniqueName('twinmap-bench') }, cpus?.[1]);
      // .NET reports where it put the pipe ($TMPDIR/CoreFxPipe_<name> on Unix); Node connects there.
      let path = '';
      const pair = await startBoth(server, (ready) => nodeSide('Node pipe client', 'stream-client', { path: (path = String(ready['path'])) }, cpus?.[0]));
      // A killed .NET server leaves its socket file behind.
      return { ...pair, cleanup: () => rmSync(path, { force: true }) };
    },
  },
  {
    id: 'uds',
    label: 'Node ↔ Node Unix socket',
    floor: 'futex',
    sides: ['Node', 'Node'],
    available: () => true,
    async start(cpus) {
      const path = `/tmp/${uniqueName('twinmap-bench')}.sock`;
      const server = nodeSide('Node socket server', 'stream-server', { path }, cpus?.[1]);
      return startBoth(server, () => nodeSide('Node socket client', 'stream-client', { path }, cpus?.[0]));
    },
  },
];
