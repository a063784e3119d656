// Channel (ts/channel/) on Windows: the region is a named section, the futex words wake through
// named semaphores (ts/futex/win32.ts), liveness uses process handles. The same checks as the
// Linux suite where Windows means the same (the shared scenarios), plus streams between two
// node.exe processes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Channel } from '../ts/channel/channel.js';
import { channelScenarios, type ChannelScenarioContext } from '../ts/test-support/channel-scenarios.js';
import { Child, plantSection, uniqueName } from './helpers.js';

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
  it('streams 20000 records of random sizes with sequence numbers and checksums, none lost or repeated', async () => {
    const name = uniqueName('ch-stream');
    using rx = Channel.create(name, { capacity: 16384 });
    const n = 20_000;
    const child = new Child('child.js', ['channel-send', name, String(n), '9000']);
    let expected = 0;
    const deadline = Date.now() + 60_000;
    while (expected < n) {
      const r = await rx.receiveAsync(Math.max(1, deadline - Date.now()));
      assert.ok(r !== undefined, `record ${expected} arrived in time`);
      const dv = new DataView(r.buffer, r.byteOffset, r.byteLength);
      assert.equal(dv.getUint32(0, true), expected, 'sequence');
      let sum = 0;
      for (let i = 8; i < r.length; i++) sum = (sum + r[i]!) >>> 0;
      assert.equal(dv.getUint32(4, true), sum, `checksum of record ${expected}`);
      expected++;
    }
    assert.equal((await child.next('sent'))['count'], n);
    assert.equal((await child.exited).exitCode, 0);
    assert.equal(rx.receive(0), undefined);
  });

  it('a killed writer is noticed as gone, and the channel keeps working', async () => {
    const name = uniqueName('ch-kill');
    using rx = Channel.create(name, { capacity: 8192, peerCheckMs: 50 });
    const child = new Child('child.js', ['channel-send', name, '1000000000', '200']);
    assert.ok((await rx.receiveAsync(20_000)) !== undefined);
    const pid = child.pid;
    assert.ok(rx.writers().includes(pid));
    await child.kill();
    // Drain what it sent; then the dead writer's slot is reaped.
    while ((await rx.receiveAsync(200)) !== undefined) {
      /* drain */
    }
    const gone = rx.checkPeers();
    assert.ok(gone.some((p) => p.role === 'writer' && p.pid === pid) || !rx.writers().includes(pid), 'the dead writer is reaped');
    using tx = Channel.open(name);
    tx.send(Uint8Array.of(42));
    assert.equal(rx.receive(1000)![0], 42);
  });
});
