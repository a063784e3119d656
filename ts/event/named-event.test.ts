import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadHeaderError, TwinmapError } from '../errors.js';
import { native } from '../native.js';
import { NamedEvent } from './named-event.js';
import { uniqueNames } from '../test-support/unique-names.js';

const uniq = uniqueNames('twinmap-test-ev', (name) => NamedEvent.unlink(name));

describe('NamedEvent', () => {
  it('auto-reset: one set releases one wait, then the event is clear again', () => {
    const name = uniq();
    using ev = NamedEvent.create(name);
    expect(ev.autoReset).toBe(true);
    expect(ev.wait(0)).toBe(false);
    ev.set();
    ev.set(); // setting a set event does not count twice
    using other = NamedEvent.open(name);
    expect(other.wait(100)).toBe(true);
    expect(ev.wait(0)).toBe(false);
  });

  it('manual-reset: stays set for every waiter until reset', () => {
    const name = uniq();
    using ev = NamedEvent.create(name, { autoReset: false });
    using other = NamedEvent.open(name);
    expect(other.autoReset).toBe(false); // read from the header, not from open's options
    ev.set();
    expect(other.wait(0)).toBe(true);
    expect(other.wait(0)).toBe(true);
    ev.reset();
    expect(other.wait(0)).toBe(false);
  });

  it('a timed wait gives up after about its timeout', () => {
    using ev = NamedEvent.create(uniq());
    const t0 = performance.now();
    expect(ev.wait(50)).toBe(false);
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(45);
    expect(took).toBeLessThan(2000);
  });

  it('waitAsync does not block the event loop and wakes on set', async () => {
    const name = uniq();
    using ev = NamedEvent.create(name);
    using setter = NamedEvent.open(name);
    let settled = false;
    const p = ev.waitAsync(5000).finally(() => {
      settled = true;
    });
    // A timer fires while the wait is pending: the loop was not blocked (robust on a loaded machine,
    // unlike counting ticks).
    await new Promise((r) => setTimeout(r, 30));
    expect(settled).toBe(false);
    setter.set();
    expect(await p).toBe(true);
    expect(await ev.waitAsync(20)).toBe(false);
  });

  it('waitAsync can be aborted, and close() rejects pending waits', async () => {
    using ev = NamedEvent.create(uniq());
    const ac = new AbortController();
    const p = ev.waitAsync(Infinity, ac.signal);
    setTimeout(() => ac.abort(new Error('stop')), 10);
    await expect(p).rejects.toThrow('stop');
    const q = ev.waitAsync();
    ev.close();
    await expect(q).rejects.toMatchObject({ code: 'CLOSED' });
    expect(() => ev.set()).toThrow(/closed/);
  });

  it('create of an existing name is ALREADY_EXISTS, open of a missing one is NOT_FOUND', () => {
    const name = uniq();
    using ev = NamedEvent.create(name);
    expect(() => NamedEvent.create(name)).toThrow(expect.objectContaining({ code: 'ALREADY_EXISTS' }));
    expect(() => NamedEvent.open(uniq())).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    using again = NamedEvent.openOrCreate(name, { autoReset: false });
    expect(again.autoReset).toBe(ev.autoReset);
  });

  it('garbage in the region is a typed BAD_HEADER error, not a hang', () => {
    const name = uniq();
    writeFileSync(`/dev/shm/${name}`, randomBytes(64));
    const t0 = Date.now();
    expect(() => NamedEvent.open(name)).toThrow(BadHeaderError);
    expect(Date.now() - t0).toBeLessThan(3000);
    const empty = uniq();
    writeFileSync(`/dev/shm/${empty}`, Buffer.alloc(0));
    expect(() => NamedEvent.open(empty)).toThrow(BadHeaderError);
  });

  it('rejects a bad timeout and a bad name', () => {
    using ev = NamedEvent.create(uniq());
    expect(() => ev.wait(Number.NaN)).toThrow(TwinmapError);
    expect(() => NamedEvent.create('a/b')).toThrow(expect.objectContaining({ code: 'INVALID_NAME' }));
  });
});

describe('native futex', () => {
  it('bounds-checks offsets against the buffer', () => {
    const ab = new ArrayBuffer(16);
    expect(() => native.futexWake(ab, 16, 1)).toThrow(TypeError);
    expect(() => native.futexWake(ab, 2, 1)).toThrow(/aligned/);
    expect(() => native.futexWait(ab, -4, 0, 0)).toThrow(TypeError);
    expect(native.futexWait(ab, 12, 1, 0)).toBe('changed');
    expect(native.futexWait(ab, 12, 0, 1)).toBe('timeout');
    expect(native.futexWake(ab, 12, 1)).toBe(0);
  });
});
