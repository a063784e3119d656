// Named mutex rates: lock + unlock, uncontended (each side alone) and contended (Node and .NET
// hammering the same name at once), next to a C robust process-shared pthread mutex (the floor).
// .NET uses the BCL's Mutex (bench-mutex in the Peer), as an unmodified .NET app would.
import { existsSync } from 'node:fs';
import { dotnetSide } from './pairs.js';
import { uniqueName } from '../ts/test-support/unique-name.js';
import { Side } from './procs.js';
import { peerDll, sideJs } from './paths.js';
import type { ExtraRow, ExtraSpec } from './extra-row.js';
import type { Options } from './options.js';

interface MutexResult {
  pairs: number;
  ns: number;
  nsPerPair: number;
}

async function step(side: Side, line: string): Promise<MutexResult> {
  side.send(line);
  return (await side.next('result', 120_000)) as unknown as MutexResult;
}

export const mutexBench: ExtraSpec = {
  id: 'mutex',
  case: 'mutex',
  available: () => existsSync(peerDll),
  async run(o: Options, cpus): Promise<ExtraRow[]> {
    const name = uniqueName('twinmap-bench-mutex');
    const node = new Side('Node mutex', process.execPath, [sideJs, 'mutex', `name=${name}`], cpus?.[0]);
    const dotnet = dotnetSide('.NET bench-mutex', 'bench-mutex', { name }, cpus?.[1]);
    try {
      await Promise.all([node.next('ready', 60_000), dotnet.next('ready', 60_000)]);
      const n = o.quick ? 100_000 : 1_000_000;
      const nodeAlone = await step(node, `uncontended ${n}`);
      const dotnetAlone = await step(dotnet, `uncontended ${n}`);
      // Contended: both start within a few ms of each other; each reports its own count.
      node.send(`contended ${o.durationMs}`);
      dotnet.send(`contended ${o.durationMs}`);
      const [a, b] = (await Promise.all([node.next('result', 120_000), dotnet.next('result', 120_000)])) as unknown as MutexResult[];
      const windowNs = Math.max(a!.ns, b!.ns);
      const row = (name: string, value: number, floorRef: string): ExtraRow => ({ id: 'mutex', section: 'mutex', name, value, unit: 'ns', better: 'lower', floorRef });
      return [
        row('Node NamedMutex, uncontended', nodeAlone.nsPerPair, 'mutex.uncontendedNs'),
        row('.NET Mutex (BCL), uncontended', dotnetAlone.nsPerPair, 'mutex.uncontendedNs'),
        { ...row("Node + .NET contended, per lock+unlock", windowNs / (a!.pairs + b!.pairs), "mutex.contendedNs"), detail: `Node ${a!.pairs} : .NET ${b!.pairs}` },
      ];
    } finally {
      // Both close their mutex when stdin ends; the last one out deletes .NET's shared-memory file.
      await Promise.all([node.stop(5000), dotnet.stop(5000)]);
    }
  },
};
