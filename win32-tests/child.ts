// A second Windows process for the tests: `node child.js <command> <args...>`. It prints one
// JSON line per step on stdout (see helpers.ts Child).
import { Channel } from '../ts/channel/channel.js';
import { fill, Sizes } from '../ts/test-support/channel-records.js';
import { NamedEvent } from '../ts/event/named-event.js';
import { createInterface } from 'node:readline';
import { NamedMutex } from '../ts/mutex/named-mutex.js';
import { native } from '../ts/native.js';

const w = native.win32!;
const [command, ...args] = process.argv.slice(2);
const stdinLines = createInterface({ input: process.stdin });
const nextLine = () => new Promise<string>((resolve) => stdinLines.once('line', resolve));
const say = (event: string, fields: Record<string, unknown> = {}) => console.log(JSON.stringify({ event, ...fields }));

switch (command) {
  // Opens a named mapping, adds one to the u32 at 0, says what it saw.
  case 'map-increment': {
    const h = w.openFileMapping(args[0]!, true);
    const view = new w.MapView(h, true);
    const dv = new DataView(view.buffer!);
    const seen = dv.getUint32(0, true);
    dv.setUint32(0, seen + 1, true);
    say('done', { seen });
    break;
  }
  // Locks a named mutex and keeps it until killed.
  case 'mutex-hold': {
    const h = w.openMutex(args[0]!);
    say('locked', { outcome: h.wait(-1) });
    setInterval(() => {}, 1000);
    break;
  }
  // Waits for a named event, reports, then sets another.
  case 'event-echo': {
    const ping = w.openEvent(args[0]!);
    const pong = w.openEvent(args[1]!);
    say('ready');
    say('woke', { outcome: await ping.waitAsync(10_000) });
    pong.setEvent();
    break;
  }
  // The same through the TS NamedEvent API: waits on args[0], sets args[1].
  case 'named-event-echo': {
    using ping = NamedEvent.open(args[0]!);
    using pong = NamedEvent.open(args[1]!);
    say('ready');
    say('woke', { signaled: await ping.waitAsync(10_000) });
    pong.set();
    break;
  }
  // NamedMutex.openOrCreate(args[0]).lock(); waits for a line, then unlocks (if not killed first).
  case 'named-mutex-hold': {
    using m = NamedMutex.openOrCreate(args[0]!);
    say('locked', { result: args[1] === 'async' ? await m.lockAsync() : m.lock() });
    await nextLine();
    m.unlock();
    say('released');
    break;
  }
  // args[2] locked read-increment-write cycles of the u32 at 0 of mapping args[1] under mutex args[0].
  case 'named-mutex-count': {
    using m = NamedMutex.openOrCreate(args[0]!);
    const view = new w.MapView(w.openFileMapping(args[1]!, true), true);
    const dv = new DataView(view.buffer!);
    const n = Number(args[2]);
    say('ready');
    await nextLine();
    for (let i = 0; i < n; i++) {
      const r = i % 2 === 0 ? m.lock() : await m.lockAsync();
      if (r !== 'acquired') throw new Error(`lock: ${r}`);
      dv.setUint32(0, dv.getUint32(0, true) + 1, true);
      m.unlock();
    }
    say('done');
    break;
  }
  // Sends args[1] records (sizes 8..args[2] bytes, pseudo-random) to channel args[0]: each is
  // [u32 sequence][u32 byte sum of the rest][bytes].
  case 'channel-send': {
    using tx = Channel.open(args[0]!);
    const n = Number(args[1]);
    const maxSize = Number(args[2]);
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < n; i++) {
      const size = 8 + Math.floor(rand() * (maxSize - 8));
      const rec = new Uint8Array(size);
      let sum = 0;
      for (let j = 8; j < size; j++) sum = (sum + (rec[j] = (i + j) & 0xff)) >>> 0;
      const dv = new DataView(rec.buffer);
      dv.setUint32(0, i, true);
      dv.setUint32(4, sum, true);
      await tx.sendAsync(rec, 30_000);
    }
    say('sent', { count: n });
    break;
  }
  // The records the .NET Peer's channel-send sends (ts/test-support/channel-records.ts): args[1]
  // records (0: until killed) as writer args[2], sizes Sizes(args[3], args[4], args[5], args[6]),
  // to channel args[0]; with args[7] === 'wait', after a stdin line. Says 'ready', then 'sent'.
  case 'channel-records': {
    using tx = Channel.open(args[0]!);
    const [n, writer, seed, minSize, maxSmall, maxLarge] = args.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const sizes = new Sizes(seed, minSize, maxSmall, maxLarge);
    const buf = new Uint8Array(maxLarge);
    say('ready', { pid: process.pid });
    if (args[7] === 'wait') await nextLine();
    for (let i = 0; n === 0 || i < n; i++) {
      const rec = buf.subarray(0, sizes.nextSize());
      fill(rec, writer, i);
      await tx.sendAsync(rec, 30_000);
    }
    say('sent', { count: n });
    break;
  }
  case 'exit':
    say('bye');
    break;
  default:
    say('error', { message: `unknown command ${command}` });
    process.exitCode = 64;
}
stdinLines.close();
