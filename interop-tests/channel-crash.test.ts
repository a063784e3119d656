// Channels when a peer goes (.NET 10 Peer as the other process): a reader that closes ends a
// blocked .NET send with PEER_GONE. Killed .NET writers and Node writer processes, a reader that
// dies and garbage headers (BAD_HEADER) are in ts/test-support/channel-peer-scenarios.ts,
// registered by channel-stream.test.ts and the Wine suite.
import { describe, expect, it } from 'vitest';
import { Channel } from '../ts/channel/channel.js';
import { Peer } from './peer.js';
import { uniqueNames } from '../ts/test-support/unique-names.js';

const uniq = uniqueNames('twinmap-it', (name) => Channel.unlink(name));

describe('channel crashes, Node <-> .NET', () => {
  it('reader closes: a .NET send blocked on a full ring ends with PEER_GONE', async () => {
    const name = uniq('rclose');
    const rx = Channel.create(name, { capacity: 4096 });
    expect(rx.tryReceive()).toBeUndefined();
    await using writer = Peer.start('channel-send', { name, count: 1000, writer: 0, seed: 3, minSize: 500, maxSmall: 1000, maxLarge: 1000, timeoutMs: 10_000 });
    await writer.next('ready');
    await new Promise((r) => setTimeout(r, 300)); // let it fill the ring and block
    const t0 = performance.now();
    rx.close();
    const err = await writer.next('error', 10_000);
    expect(err).toMatchObject({ type: 'PeerGoneException' });
    console.log(`.NET writer got PEER_GONE ${(performance.now() - t0).toFixed(0)} ms after the Node reader closed: ${String(err['message'])}`);
  });
});
