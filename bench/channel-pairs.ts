// twinmap channel pairs (see channel-side.ts and the Peer's bench-channel).
import { Channel } from 'twinmap';
import { dotnetSide, nodeSide, startBoth, type Pair, type PairSpec } from './pairs.js';
import { uniqueName } from '../ts/test-support/unique-name.js';
import { RING_BYTES } from './floor.js';

type Runtime = 'node' | 'dotnet';

function channelPair(id: string, label: string, client: Runtime, server: Runtime, spinMicros: number, floor: 'spin' | 'futex', cases?: PairSpec['cases'], batch = 0): PairSpec {
  const name = (r: Runtime) => (r === 'node' ? 'Node' : '.NET');
  return {
    id,
    label,
    floor,
    cases,
    sides: [name(client), name(server)],
    available: () => true,
    async start(cpus): Promise<Pair> {
      const req = uniqueName('twinmap-bench-req');
      const resp = uniqueName('twinmap-bench-resp');
      const args = { req, resp, spin: String(spinMicros), capacity: String(RING_BYTES), ...(batch > 0 ? { batch: String(batch) } : {}) };
      const srv = server === 'node' ? nodeSide('Node channel server', 'channel-server', args, cpus?.[1]) : dotnetSide('.NET channel server', 'bench-channel', { role: 'server', ...args }, cpus?.[1]);
      const pair = await startBoth(srv, () =>
        client === 'node' ? nodeSide('Node channel client', 'channel-client', args, cpus?.[0]) : dotnetSide('.NET channel client', 'bench-channel', { role: 'client', ...args }, cpus?.[0]),
      );
      return {
        ...pair,
        cleanup: () => {
          Channel.unlink(req);
          Channel.unlink(resp);
        },
      };
    },
  };
}

export const CHANNEL_PAIRS: PairSpec[] = [
  channelPair('channel', 'Node ↔ .NET channel, spin then sleep', 'node', 'dotnet', 50, 'spin'),
  channelPair('channel-sleep', 'Node ↔ .NET channel, sleeping (spin 0)', 'node', 'dotnet', 0, 'futex'),
  channelPair('channel-node', 'Node ↔ Node channel', 'node', 'node', 50, 'spin'),
  channelPair('channel-dotnet', '.NET ↔ .NET channel', 'dotnet', 'dotnet', 50, 'spin'),
  // The other direction: .NET sends, Node receives (views). Only throughput: the round trip and
  // idle rows of Node ↔ .NET above already cover both runtimes waiting.
  channelPair('channel-rev', '.NET → Node channel, spin then sleep', 'dotnet', 'node', 50, 'spin', ['throughput']),
  // Batches: Node's sendMany of 32 records per call, the .NET sink's ReceiveViews of up to 32
  // (views, as the pairs above take). Only throughput: a round trip has one record in flight.
  channelPair('channel-batch', 'Node → .NET channel, sendMany/ReceiveViews of 32', 'node', 'dotnet', 50, 'spin', ['throughput'], 32),
];
