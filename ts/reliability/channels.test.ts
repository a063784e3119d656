// Reliability of channels: a create with bad options leaves nothing behind, and a reader can
// attach before its first record so writers learn at once when it is gone.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AlreadyExistsError, NotFoundError, PeerGoneError, TwinmapError } from '../errors.js';
import { Channel } from '../channel/channel.js';
import { runNode, uniqueName } from './support.js';

describe('Channel.create with bad options', () => {
  for (const [label, options] of [
    ['spinMicros: -1', { spinMicros: -1 }],
    ['peerCheckMs: 0', { peerCheckMs: 0 }],
    ['peerCheckMs: NaN', { peerCheckMs: Number.NaN }],
    ['spinMicros: NaN', { spinMicros: Number.NaN }],
    ['spinMicros: Infinity', { spinMicros: Infinity }],
    ['capacity: 1000', { capacity: 1000 }],
    ["reader: 'yes'", { reader: 'yes' as unknown as boolean }],
  ] as const) {
    it(`${label}: INVALID_ARGUMENT naming the option, no /dev/shm object left, the next create succeeds`, () => {
      const name = uniqueName('badopt');
      let error: unknown;
      try {
        Channel.create(name, options);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TwinmapError);
      expect((error as TwinmapError).code).toBe('INVALID_ARGUMENT');
      expect((error as Error).message).toContain(label.split(':')[0]);
      expect(existsSync(`/dev/shm/${name}`)).toBe(false);
      using ok = Channel.create(name, { capacity: 4096 });
      expect(ok.capacity).toBe(4096);
      Channel.unlink(name);
    });
  }
});

describe('attaching the reader', () => {
  it('create({ reader: true }) attaches at once: a writer blocked on a full ring gets PEER_GONE when the creator dies', () => {
    const name = uniqueName('attach');
    // The creator (the reader) lives in a child that dies (SIGKILL) before it ever receives.
    const r = runNode(`
      import { spawn } from 'node:child_process';
      import * as lib from './dist/ts/index.js';
      const child = spawn(process.execPath, ['--input-type=module', '-e', ${JSON.stringify(`import * as lib from './dist/ts/index.js'; lib.Channel.create(${JSON.stringify(name)}, { capacity: 4096, reader: true }); console.log('ready'); setTimeout(() => process.kill(process.pid, 'SIGKILL'), 300);`)}], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise((r) => child.stdout.once('data', r));
      const ch = lib.Channel.open(${JSON.stringify(name)}, { peerCheckMs: 50 });
      const rec = new Uint8Array(1000);
      while (ch.trySend(rec));
      const t0 = Date.now();
      try { ch.send(rec, 20000); console.log('sent'); } catch (e) { console.log(e.name + ' ' + (Date.now() - t0 < 10000 ? 'soon' : 'late')); }
      ch.close(); lib.Channel.unlink(${JSON.stringify(name)});`);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('PeerGoneError soon');
  });

  it('attach() makes an opener the reader without taking a record; a second reader gets AlreadyExistsError', () => {
    const name = uniqueName('attach2');
    using writer = Channel.create(name, { capacity: 4096 });
    using reader = Channel.open(name);
    writer.send(new Uint8Array([1]));
    reader.attach();
    reader.attach(); // idempotent
    const r = runNode(`import * as lib from './dist/ts/index.js'; const c = lib.Channel.open(${JSON.stringify(name)});
      try { c.attach(); console.log('attached'); } catch (e) { console.log(e.name + ' ' + e.code); }`);
    expect(r.stdout.trim()).toBe('AlreadyExistsError ALREADY_EXISTS');
    expect(reader.tryReceive()).toEqual(new Uint8Array([1])); // the record was not taken by attach()
    reader.close();
    expect(() => writer.send(new Uint8Array([2]))).toThrow(PeerGoneError);
    expect(() => Channel.open(name).attach()).not.toThrow(AlreadyExistsError);
    Channel.unlink(name);
  });

  it('Channel.open of a missing name: NotFoundError that says "channel", not "map"', () => {
    const name = uniqueName('missing');
    expect(() => Channel.open(name)).toThrow(NotFoundError);
    expect(() => Channel.open(name)).toThrow(`channel ${JSON.stringify(name)} does not exist`);
  });
});
