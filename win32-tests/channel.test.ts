// Channel (ts/channel/) on Windows: the region is a named section, the futex words wake through
// named semaphores (ts/futex/win32.ts), liveness uses process handles. The same checks as the
// Linux suite where Windows means the same (the shared scenarios), plus streams from another
// node.exe (the channel scenarios' Node writer, ts/test-support/channel-writer.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Channel } from '../ts/channel/channel.js';
import { channelScenarios, type ChannelScenarioContext } from '../ts/test-support/channel-scenarios.js';
import { OrderCheck } from '../ts/test-support/channel-records.js';
import { plantSection, startNodeWriter, uniqueName } from './helpers.js';

// The scenarios every OS shares, written once (ts/test-support/channel-scenarios.ts; vitest
// registers the same list on Linux). Garbage is planted as a Win32 section of that name.
const win32: ChannelScenarioContext = {
  name: () => uniqueName('ch'),
  plant: plantSection,
};

describe('Channel on Win32 (one process, two handles)', () => {
  for (const s of channelScenarios) it(s.title, () => s.run(win32));
});

describe('Channel on Win32 between node.exe processes', () => {
  it('streams 20000 records of random sizes from another node.exe, each checked: none lost, repeated, reordered or torn', async () => {
    const name = uniqueName('ch-stream');
    using rx = Channel.create(name, { capacity: 16384 });
    assert.equal(rx.tryReceive(), undefined); // attach as the reader
    const n = 20_000;
    const child = startNodeWriter({ name, count: n, writer: 0, seed: 12345, minSize: 1, maxSmall: 9000, maxLarge: 9000 });
    const order = new OrderCheck(0);
    while (order.total < n) {
      const r = await rx.receiveAsync(30_000);
      assert.ok(r !== undefined, `record ${order.total} of ${n} arrived within 30 s`);
      order.accept(r); // throws on a torn, lost, repeated or reordered record
    }
    assert.deepEqual(await child.next('done'), { event: 'done', sent: n, bytes: order.bytes });
    assert.equal((await child.exited).exitCode, 0);
    assert.equal(rx.receive(0), undefined);
  });

  it('a killed writer is noticed as gone, and the channel keeps working', async () => {
    const name = uniqueName('ch-kill');
    using rx = Channel.create(name, { capacity: 8192, peerCheckMs: 50 });
    const child = startNodeWriter({ name, count: 0, writer: 0, seed: 1, minSize: 1, maxSmall: 200, maxLarge: 200 });
    const order = new OrderCheck(0);
    order.accept((await rx.receiveAsync(20_000))!);
    const pid = child.pid;
    assert.ok(rx.writers().includes(pid));
    await child.kill();
    // Drain what it sent (every record whole); then the dead writer's slot is reaped.
    for (let r = await rx.receiveAsync(200); r !== undefined; r = await rx.receiveAsync(200)) order.accept(r);
    const gone = rx.checkPeers();
    assert.ok(gone.some((p) => p.role === 'writer' && p.pid === pid) || !rx.writers().includes(pid), 'the dead writer is reaped');
    using tx = Channel.open(name);
    tx.send(Uint8Array.of(42));
    assert.equal(rx.receive(1000)![0], 42);
  });
});
