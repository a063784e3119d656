// Test support (not part of the library build): the one Node writer process of the channel
// scenarios, the Node twin of the .NET Peer's `channel-send` (same arguments, same records, same
// events), started by both runners: vitest on Linux and the Wine suite on Windows, each from its
// compiled copy dist/ts/test-support/channel-writer.js (node cannot run this .ts file itself).
//
//   node channel-writer.js name=N count=C writer=W seed=S minSize=.. maxSmall=.. maxLarge=.. [wait=1] [timeoutMs=T] [batch=B]
//
// Opens channel N and sends C records (count=0: until killed) of channel-records.ts as writer W,
// sizes from Sizes(S, minSize, maxSmall, maxLarge); batch=B: sendMany of B records at a time. Says "ready" {pid, capacity}; with wait=1 it
// then waits for a line on stdin; at the end "done" {sent, bytes}. A failure is an "error" event
// and exit code 1.
import { Channel } from '../channel/channel.js';
import { fill, Sizes } from './channel-records.js';
import { emitEvent, parseKeyValueArgs, waitLine } from './peer-process.js';

async function main(): Promise<void> {
  const args = parseKeyValueArgs(process.argv.slice(2));
  const num = (key: string, fallback?: number): number => {
    const v = args.get(key);
    if (v === undefined) {
      if (fallback === undefined) throw new Error(`missing argument ${key}=`);
      return fallback;
    }
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${key}=${v} is not a whole number`);
    return n;
  };
  const name = args.get('name');
  if (name === undefined) throw new Error('missing argument name=');
  using tx = Channel.open(name);
  const count = num('count');
  const writer = num('writer', 0);
  const timeoutMs = num('timeoutMs', 30_000);
  const maxLarge = num('maxLarge', tx.maxMessageSize);
  const sizes = new Sizes(num('seed', 1), num('minSize', 1), num('maxSmall', 256), maxLarge);
  const buf = new Uint8Array(maxLarge);
  const batch = num('batch', 0);
  emitEvent('ready', { pid: process.pid, capacity: tx.capacity });
  if (args.get('wait') === '1') await waitLine();
  let bytes = 0;
  if (batch > 0) {
    // Each record of a batch in a buffer of its own; a batch is published by one store of head.
    const bufs = Array.from({ length: batch }, () => new Uint8Array(maxLarge));
    const records: Uint8Array[] = [];
    for (let i = 0; count === 0 || i < count; ) {
      records.length = 0;
      for (let k = 0; k < batch && (count === 0 || i < count); k++, i++) {
        const rec = bufs[k]!.subarray(0, sizes.nextSize());
        fill(rec, writer, i);
        records.push(rec);
        bytes += rec.length;
      }
      tx.sendMany(records, timeoutMs);
    }
    emitEvent('done', { sent: count, bytes });
    return;
  }
  for (let i = 0; count === 0 || i < count; i++) {
    const rec = buf.subarray(0, sizes.nextSize());
    fill(rec, writer, i);
    if (!tx.trySend(rec)) await tx.sendAsync(rec, timeoutMs);
    bytes += rec.length;
  }
  emitEvent('done', { sent: count, bytes });
}

main().catch((e: unknown) => {
  emitEvent('error', { type: (e as Error).name, code: (e as { code?: string }).code, message: (e as Error).message });
  process.exitCode = 1;
});
