// The demo's channel part: Node sends typed requests (TestData, the generated codec from
// examples/formats/test_data.ksy) to a .NET IpcServer and prints the round-trip time, first over
// twinmap channels (shared memory), then over .NET's named pipe for comparison.
import { IpcClient, type IpcTransport } from '../../ts/index.js';
import { TestData } from '../formats/ts/test_data.js';
import { startPeer } from './dotnet-peer.js';

const REQUESTS = 2000;

export async function channelDemo(dll: string, say: { node: (s: string) => void; dotnet: (s: string) => void; dim: (s: string) => string }): Promise<boolean> {
  console.log('  Next: typed messages. Node sends TestData requests to a .NET IpcServer, which answers each');
  console.log('  with Age + 1 and every score doubled (both sides use the codec generated from test_data.ksy).');
  let ok = true;
  for (const transport of ['channel', 'pipe'] as IpcTransport[]) {
    const name = `twinmap-demo-ipc-${process.pid}-${transport}`;
    const peer = startPeer(dll, 'demo-channel', { name, transport });
    try {
      await peer.next('ready');
      say.dotnet(`IpcServer ${JSON.stringify(name)} started ${say.dim(transport === 'channel' ? '(channels in shared memory)' : '(NamedPipeServerStream: a Unix socket on Linux)')}`);
      const client = await IpcClient.connectAsync(name, { transport });
      try {
        const times: number[] = [];
        let right = 0;
        for (let i = 0; i < REQUESTS; i++) {
          const sent: TestData = { id: i, age: 30, scores: Array.from({ length: 10 }, (_, k) => k + i) };
          const t0 = performance.now();
          const back = TestData.decode(await client.request(TestData.encode(sent), 5000));
          times.push(performance.now() - t0);
          if (back.id === i && back.age === 31 && back.scores.every((s, k) => s === 2 * (k + i))) right++;
        }
        times.sort((a, b) => a - b);
        const us = (q: number) => `${(times[Math.floor(q * (times.length - 1))]! * 1000).toFixed(0)} µs`;
        say.node(`${REQUESTS.toLocaleString('en')} requests over ${transport === 'channel' ? 'channels' : 'the named pipe'}: ${right === REQUESTS ? '✓ every answer right' : `✗ ${REQUESTS - right} wrong`}; round trip median ${us(0.5)}, p90 ${us(0.9)}`);
        ok &&= right === REQUESTS;
      } finally {
        client.close();
      }
      peer.send('quit');
      await peer.next('done');
      peer.endInput();
      await peer.exited;
    } finally {
      await peer.kill();
    }
  }
  console.log('');
  return ok;
}
