// IpcServer/IpcClient request -> response: a Node IpcClient (bench/ipc-side.ts) against a .NET
// IpcServer that echoes (the Peer's bench-ipc), over channels and over the named pipe. Latency
// only: one request in flight, 64 B each way, as the other round-trip rows.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Channel } from 'twinmap';
import { dotnetSide, nodeSide, startBoth, type Pair, type PairSpec } from './pairs.js';
import { uniqueName } from '../ts/test-support/unique-name.js';
import { peerDll } from './paths.js';

function ipcPair(id: string, label: string, transport: 'channel' | 'pipe', floor: 'spin' | 'futex'): PairSpec {
  return {
    id,
    label,
    floor,
    sides: ['Node', '.NET'],
    cases: ['latency'],
    available: () => existsSync(peerDll),
    async start(cpus): Promise<Pair> {
      const name = uniqueName('twinmap-bench-ipc');
      const server = dotnetSide(`.NET IpcServer (${transport})`, 'bench-ipc', { name, transport }, cpus?.[1]);
      const pair = await startBoth(server, () => nodeSide(`Node IpcClient (${transport})`, 'ipc-client', { name, transport }, cpus?.[0]));
      return {
        ...pair,
        // The sides are killed when done: remove the server's channel (or socket file) and the
        // client's reply channel (<name>-reply-<pid>-<random>, a POSIX shm object: /dev/shm on Linux).
        cleanup: () => {
          if (transport === 'pipe') rmSync(join(tmpdir(), `CoreFxPipe_${name}`), { force: true });
          else {
            Channel.unlink(name);
            const shm = '/dev/shm';
            if (existsSync(shm)) for (const f of readdirSync(shm)) if (f.startsWith(`${name}-reply-`)) Channel.unlink(f);
          }
        },
      };
    },
  };
}

export const IPC_PAIRS: PairSpec[] = [
  ipcPair('ipc', 'Node → .NET IpcClient.request, channels', 'channel', 'spin'),
  ipcPair('ipc-pipe', 'Node → .NET IpcClient.request, named pipe', 'pipe', 'futex'),
];
