// `npm run demo`: a .NET process and Node share one memory map, guarded by one named mutex.
// .NET writes a TestData struct the way a .NET app does (Marshal.StructureToPtr +
// accessor.WriteArray); Node reads it in place and changes it; .NET reads it back; then both
// add to a shared counter under the mutex and the total comes out exact.
import { NamedMutex, SharedMap } from '../../ts/index.js';
import { TestData, TestDataView } from '../formats/ts/test_data.js';
import { ensurePeer, startPeer } from './dotnet-peer.js';
import type { PeerProcess } from '../../ts/test-support/peer-process.js';
import { channelDemo } from './channel-part.js';

const ROUNDS = 10_000;
const COUNTER_OFFSET = 48; // right after the 48-byte TestData

const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const node = (s: string) => console.log(`  ${bold('Node')} │ ${s}`);
const dotnet = (s: string) => console.log(`  ${bold('.NET')} │ ${s}`);
/** 20000 -> "20,000" without depending on the ICU data Node was built with. */
const fmt = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const show = (v: TestData) => `Id=${v.id},Age=${v.age},Scores=${v.scores.join(',')}`;

async function main(): Promise<number> {
  console.log(bold('twinmap demo: Node.js and .NET share one memory map, guarded by one named mutex'));
  console.log('');
  const dll = ensurePeer((line) => console.log(dim(line)));

  const tag = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const mapName = `twinmap-demo-${tag}`;
  const mutexName = `twinmap-demo-${tag}-lock`;
  using map = SharedMap.create(mapName, { size: 4096 });
  using mutex = NamedMutex.create(mutexName);
  let peer: PeerProcess | undefined;
  // Ctrl-C: leave nothing behind (finally blocks do not run when a signal ends the process).
  process.once('SIGINT', async () => {
    await peer?.kill();
    mutex.close();
    map.close();
    SharedMap.unlink(mapName);
    process.exit(130);
  });
  try {
    console.log(`  map   ${JSON.stringify(mapName)}  ${dim(`(${map.path ?? 'named'}, ${map.size} bytes, created by Node: SharedMap.create)`)}`);
    console.log(`  mutex ${JSON.stringify(mutexName)}  ${dim('(created by Node: NamedMutex.create; .NET opens it with new Mutex(false, name))')}`);
    console.log('');

    // On Linux .NET has no named maps: an unmodified app maps the file behind the name.
    const where: Record<string, string> = process.platform === 'win32' ? { name: mapName } : { path: map.path! };
    peer = startPeer(dll, 'demo', { mutex: mutexName, ...where, rounds: ROUNDS });
    const opened = await peer.next('opened');
    dotnet(`started (.NET ${String(opened['runtime'])}), opened the map with ${String(opened['how'])}`);
    dotnet(`and the mutex with ${String(opened['mutex'])}`);

    const wrote = await peer.next('wrote');
    dotnet('locked the mutex and wrote TestData the way a .NET app does (Marshal.StructureToPtr + accessor.WriteArray):');
    dotnet(`  ${String(wrote['text'])}`);

    const record = new TestDataView(map.bytes, 0); // getters and setters over the mapped bytes: no copy
    let expected = '';
    mutex.withLock(() => {
      const seen = record.toObject();
      node('locked the mutex and read TestData in place (a view over the mapping, no copy):');
      node(`  ${show(seen)}`);
      record.age = seen.age + 1;
      for (let i = 0; i < 10; i++) record.setScores(i, seen.scores[i]! + 5);
      expected = show(record.toObject());
      node(`changed it (Age + 1, every score + 5) and unlocked:`);
      node(`  ${expected}`);
    });

    peer.send();
    const read = await peer.next('read');
    dotnet('locked the mutex and read it back (accessor.ReadArray + Marshal.PtrToStructure):');
    dotnet(`  ${String(read['text'])}`);
    const agree = read['text'] === expected;
    console.log(agree ? `  ✓ both sides see the same record` : `  ✗ .NET saw something else than Node wrote`);
    console.log('');

    console.log(`  Now both add 1 to a counter in the map ${fmt(ROUNDS)} times each, every time under the mutex...`);
    peer.send();
    for (let i = 0; i < ROUNDS; i++) {
      mutex.withLock(() => map.view.setInt32(COUNTER_OFFSET, map.view.getInt32(COUNTER_OFFSET, true) + 1, true));
    }
    node(`done: ${fmt(ROUNDS)} increments`);
    const counted = await peer.next('counted');
    dotnet(`done: ${fmt(Number(counted['rounds']))} increments`);
    peer.endInput();
    await peer.exited;
    const total = mutex.withLock(() => map.view.getInt32(COUNTER_OFFSET, true));
    const exact = total === 2 * ROUNDS;
    console.log(`  counter = ${fmt(total)} (expected ${fmt(2 * ROUNDS)}) ${exact ? '✓ no increment lost' : '✗'}`);
    console.log('');
    const typed = await channelDemo(dll, { node, dotnet, dim });
    console.log(agree && exact && typed ? bold('Done.') + ' Next: `npm test` runs every check both ways; README.md shows the APIs.' : 'The demo found a problem (see above).');
    return agree && exact && typed ? 0 : 1;
  } finally {
    await peer?.kill();
    map.unlink(); // a POSIX named map lives until unlinked
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`\ntwinmap demo failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
