// A second Windows process for the tests: `node child.js <command> <args...>`. It prints one
// JSON line per step on stdout and is stepped by lines on stdin (the line protocol,
// ts/test-support/peer-process.ts; see helpers.ts Child). The channel tests' Node writer is
// ts/test-support/channel-writer.ts, shared with the Linux tests.
import { NamedEvent } from '../ts/event/named-event.js';
import { NamedMutex } from '../ts/mutex/named-mutex.js';
import { native } from '../ts/native.js';
import { emitEvent as say, waitLine as nextLine } from '../ts/test-support/peer-process.js';

const w = native.win32!;
const [command, ...args] = process.argv.slice(2);

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
  case 'exit':
    say('bye');
    break;
  default:
    say('error', { message: `unknown command ${command}` });
    process.exitCode = 64;
}
