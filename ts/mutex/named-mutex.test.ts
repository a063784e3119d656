// NamedMutex in one process, checked at the byte level against the file .NET reads, in the tree
// of each .NET generation (the bytes are the same; interop-tests/ meet live .NET processes).
import { closeSync, existsSync, mkdirSync, openSync, unlinkSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { native } from '../native.js';
import type { NativeMapping } from '../native-types.js';
import { parseName } from '../names.js';
import { scopeDirectory, sharedMemoryPath, withCreationLock } from './dotnet-shm.js';
import { dotnetLayout } from './layout.js';
import type { DotnetGeneration } from './generation.js';
import { NamedMutex } from './named-mutex.js';
import { TwinmapError } from '../errors.js';
import { uniqueName } from '../test-support/unique-name.js';

/**
 * Writes a file where the mutex `name` would live, creating its scope directory. Call it under
 * withCreationLock: the last user of any mutex in this session removes the empty directory.
 */
function writeScopeFile(name: string, bytes: Uint8Array): void {
  const parsed = parseName(name);
  mkdirSync(scopeDirectory(parsed), { recursive: true, mode: 0o777 });
  writeFileSync(sharedMemoryPath(parsed), bytes, { mode: 0o666 });
}

const { LOCK_SH } = native.flockOps;
const opened: NamedMutex[] = [];
const raws: Array<{ close(): void }> = [];
afterEach(() => {
  // Raw views first, so the NamedMutex close is the last user and deletes the file.
  for (const r of raws.splice(0)) r.close();
  for (const m of opened.splice(0)) m.close();
});

const unique = (tag: string) => uniqueName('tm-unit', tag);
function track(m: NamedMutex): NamedMutex {
  opened.push(m);
  return m;
}

/**
 * Another "process" view of the file: its own fd holding LOCK_SH (as any user does) and mapping.
 * `where`: a mutex name in the shared tree, or a NamedMutex (its file, in whichever tree).
 */
function raw(where: string | NamedMutex) {
  const path = typeof where === 'string' ? sharedMemoryPath(parseName(where)) : where.where;
  const fd = openSync(path, 'r+');
  native.flock(fd, LOCK_SH);
  const mapping: NativeMapping = new native.Mapping(fd, 4096, true);
  const r = {
    view: new DataView(mapping.buffer!),
    buffer: mapping.buffer!,
    close() {
      mapping.unmap();
      closeSync(fd);
    },
  };
  raws.push(r);
  return r;
}

/** Holds the mutex from another OS thread (a native holder), like another owner would. */
async function holdElsewhere(buffer: ArrayBuffer): Promise<{ tid: number; release(): void }> {
  return new Promise((resolve, reject) => {
    const h = new native.MutexHolder(buffer, 8, -1, (kind, _code, tid) => {
      if (kind === 'locked') resolve({ tid, release: () => h.release() });
      else reject(new Error(kind));
    });
  });
}

const layout = dotnetLayout();
const readTid = (v: DataView) => v.getBigUint64(layout.ownerTidOffset, true);
const invalidTid = 0xffff_ffff_ffff_ffffn;

for (const layoutName of ['net10', 'net11'] as DotnetGeneration[]) {
  describe(`NamedMutex bytes, { dotnet: '${layoutName}' } (${layoutName === 'net10' ? '/tmp/.dotnet' : ".NET 11's per-user tree"})`, () => {
    it('creates the header and an unowned, not abandoned mutex', () => {
      const name = unique(`hdr-${layoutName}`);
      const m = track(NamedMutex.openOrCreate(name, { dotnet: layoutName }));
      expect(m.createdNew).toBe(true);
      const { view } = raw(m);
      expect([view.getUint8(0), view.getUint8(1)]).toEqual([0, 1]);
      expect(view.getUint32(layout.ownerPidOffset, true)).toBe(0xffff_ffff);
      expect(readTid(view)).toBe(invalidTid);
      expect(view.getUint8(layout.abandonedOffset)).toBe(0);
    });

    it('lock() writes pid and the JS thread tid at the layout offsets; unlock() clears them', () => {
      const name = unique(`own-${layoutName}`);
      const m = track(NamedMutex.openOrCreate(name, { dotnet: layoutName }));
      const { view } = raw(m);
      expect(m.lock()).toBe('acquired');
      expect(view.getUint32(layout.ownerPidOffset, true)).toBe(process.pid);
      expect(readTid(view)).toBe(BigInt(native.gettid()));
      m.unlock();
      expect(view.getUint32(layout.ownerPidOffset, true)).toBe(0xffff_ffff);
      expect(readTid(view)).toBe(invalidTid);
    });

    it('lockAsync() that has to wait writes the holder thread tid (not the JS thread)', async () => {
      const name = unique(`async-${layoutName}`);
      const m = track(NamedMutex.openOrCreate(name, { dotnet: layoutName }));
      const r = raw(m);
      const other = await holdElsewhere(r.buffer);
      const p = m.lockAsync();
      await new Promise((res) => setTimeout(res, 20));
      other.release();
      expect(await p).toBe('acquired');
      const { view } = r;
      expect(view.getUint32(layout.ownerPidOffset, true)).toBe(process.pid);
      const tid = readTid(view);
      expect(tid).not.toBe(BigInt(native.gettid()));
      expect(tid).not.toBe(BigInt(other.tid));
      expect(tid).not.toBe(invalidTid);
      m.unlock();
      expect(readTid(view)).toBe(invalidTid);
      expect(m.tryLock()).toBe('acquired'); // really released by the holder thread
      m.unlock();
    });

    it('lockAsync() on a free mutex takes it at once on the JS thread', async () => {
      const name = unique(`asyncfree-${layoutName}`);
      const m = track(NamedMutex.openOrCreate(name, { dotnet: layoutName }));
      const { view } = raw(m);
      expect(await m.lockAsync()).toBe('acquired');
      expect(readTid(view)).toBe(BigInt(native.gettid()));
      m.unlock();
    });

    it('closing while a holder thread holds it abandons it too', async () => {
      const name = unique(`closeasync-${layoutName}`);
      const m = NamedMutex.openOrCreate(name, { dotnet: layoutName });
      const r = raw(m);
      const other = await holdElsewhere(r.buffer);
      const p = m.lockAsync();
      await new Promise((res) => setTimeout(res, 20));
      other.release();
      expect(await p).toBe('acquired');
      m.close();
      expect(r.view.getUint8(layout.abandonedOffset)).toBe(1);
      expect(r.view.getUint32(layout.ownerPidOffset, true)).toBe(0xffff_ffff);
      const again = track(NamedMutex.open(name, { dotnet: layoutName }));
      expect(again.tryLock()).toBe('abandoned'); // and the holder thread really let go
      again.unlock();
    });

    it('reports and clears an abandoned flag written by another process', () => {
      const name = unique(`flag-${layoutName}`);
      const m = track(NamedMutex.openOrCreate(name, { dotnet: layoutName }));
      const { view } = raw(m);
      view.setUint8(layout.abandonedOffset, 1); // what a .NET process's Abandon() leaves
      expect(m.lock()).toBe('abandoned');
      expect(view.getUint8(layout.abandonedOffset)).toBe(0);
      m.unlock();
      expect(m.lock()).toBe('acquired');
      m.unlock();
    });

    it("closing the process's last handle while holding abandons it like .NET", () => {
      const name = unique(`close-${layoutName}`);
      const m = NamedMutex.openOrCreate(name, { dotnet: layoutName });
      const { view } = raw(m); // keeps the file alive
      m.lock();
      m.close();
      expect(view.getUint8(layout.abandonedOffset)).toBe(1);
      expect(view.getUint32(layout.ownerPidOffset, true)).toBe(0xffff_ffff);
      const again = track(NamedMutex.open(name, { dotnet: layoutName }));
      expect(again.lock()).toBe('abandoned');
      again.unlock();
    });
  });
}

describe('NamedMutex semantics (one process)', () => {
  it('counts recursion; an unbalanced unlock is NOT_OWNER', () => {
    const m = track(NamedMutex.openOrCreate(unique('rec')));
    expect(m.lock()).toBe('acquired');
    expect(m.lock()).toBe('acquired');
    m.unlock();
    expect(m.isHeld).toBe(true);
    m.unlock();
    expect(m.isHeld).toBe(false);
    expect(() => m.unlock()).toThrow(expect.objectContaining({ code: 'NOT_OWNER', name: 'NotOwnerError' }));
  });

  it('shares one lock state between handles of the same name (one owner per process)', () => {
    const name = unique('share');
    const a = track(NamedMutex.openOrCreate(name));
    const b = track(NamedMutex.openOrCreate(name));
    expect(b.createdNew).toBe(false);
    a.lock();
    expect(b.isHeld).toBe(true);
    b.unlock();
    expect(a.isHeld).toBe(false);
  });

  it('times out while another thread holds it: lock(ms), tryLock(), lockAsync(ms)', async () => {
    const name = unique('timeout');
    const m = track(NamedMutex.openOrCreate(name));
    const other = await holdElsewhere(raw(name).buffer);
    const t0 = performance.now();
    expect(m.lock(150)).toBe('timeout');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(100);
    expect(m.tryLock()).toBe('timeout');
    expect(await m.lockAsync(150)).toBe('timeout');
    other.release();
    expect(m.tryLock()).toBe('acquired');
    m.unlock();
  });

  it('lockAsync() does not block the event loop while it waits', async () => {
    const name = unique('loop');
    const m = track(NamedMutex.openOrCreate(name));
    const other = await holdElsewhere(raw(name).buffer);
    let settled = false;
    const p = m.lockAsync().finally(() => (settled = true));
    // Timers run while it waits (only "at least one", so a loaded machine cannot fail this).
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await new Promise((r) => setTimeout(r, 100));
    clearInterval(timer);
    expect(ticks).toBeGreaterThanOrEqual(1);
    expect(settled).toBe(false); // still waiting: the other thread holds it
    other.release();
    expect(await p).toBe('acquired');
    m.unlock();
  });

  it('withLock runs sync and async functions under the lock and always unlocks', async () => {
    const m = track(NamedMutex.openOrCreate(unique('with')));
    expect(m.withLock(() => (m.isHeld ? 42 : 0))).toBe(42);
    expect(m.isHeld).toBe(false);
    await expect(m.withLock(async () => { await new Promise((r) => setTimeout(r, 5)); return m.isHeld; })).resolves.toBe(true);
    expect(m.isHeld).toBe(false);
    expect(() => m.withLock(() => { throw new Error('boom'); })).toThrow('boom');
    expect(m.isHeld).toBe(false);
    const order: string[] = [];
    await Promise.all([
      m.withLockAsync(async () => { order.push('a1'); await new Promise((r) => setTimeout(r, 20)); order.push('a2'); }),
      m.withLockAsync(async () => { order.push('b1'); order.push('b2'); }),
    ]);
    expect(order).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect(m.isHeld).toBe(false);
  });

  it('close() while lockAsync waits rejects it with CLOSED and still cleans up the file', async () => {
    const name = unique('cancel');
    const m = NamedMutex.openOrCreate(name);
    const r = raw(name);
    const other = await holdElsewhere(r.buffer);
    const p = m.lockAsync();
    m.close();
    await expect(p).rejects.toMatchObject({ code: 'CLOSED' });
    other.release();
    r.close();
    raws.splice(raws.indexOf(r), 1);
    expect(() => m.lock()).toThrow(expect.objectContaining({ code: 'CLOSED' }));
    // Our close ran while the raw view held LOCK_SH, so the file stayed; now nobody holds it:
    // it is stale, and open() removes it and reports NOT_FOUND, as .NET's OpenExisting does.
    expect(() => NamedMutex.open(name)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(existsSync(sharedMemoryPath(parseName(name)))).toBe(false);
  });

  it('lock() while this process waits in lockAsync() is a WOULD_DEADLOCK error, tryLock() a timeout', async () => {
    const name = unique('dead');
    const m = track(NamedMutex.openOrCreate(name));
    const other = await holdElsewhere(raw(name).buffer);
    const p = m.lockAsync();
    expect(() => m.lock(10)).toThrow(expect.objectContaining({ code: 'WOULD_DEADLOCK' }));
    expect(m.tryLock()).toBe('timeout');
    other.release();
    expect(await p).toBe('acquired');
    m.unlock();
  });

  it('deletes the file and the session directory entry when the last user closes', () => {
    const name = unique('clean');
    const m = NamedMutex.openOrCreate(name);
    const path = sharedMemoryPath(parseName(name));
    expect(existsSync(path)).toBe(true);
    m.close();
    m.close(); // idempotent
    expect(existsSync(path)).toBe(false);
  });

  it('create / open / openOrCreate: ALREADY_EXISTS and NOT_FOUND', () => {
    const name = unique('modes');
    expect(() => NamedMutex.open(name)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    const a = track(NamedMutex.create(name));
    expect(a.createdNew).toBe(true);
    expect(() => NamedMutex.create(name)).toThrow(expect.objectContaining({ code: 'ALREADY_EXISTS' }));
    expect(() => NamedMutex.openOrCreate(name, { layout: 'net11' } as never)).toThrow(/layout option is gone[^]*dotnet: 'net11'/);
    expect(() => NamedMutex.openOrCreate(name, { dotnet: 'net9' as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    track(NamedMutex.open(name));
  });

  it('rejects invalid names and bad timeouts with typed errors', () => {
    for (const bad of ['', 'a/b', 'Global\\', 'global\\x', '..', 'x'.repeat(256)]) {
      expect(() => NamedMutex.openOrCreate(bad)).toThrow(expect.objectContaining({ code: 'INVALID_NAME' }));
    }
    const m = track(NamedMutex.openOrCreate(unique('arg')));
    expect(() => m.lock(-5)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => m.lock(Number.NaN)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('bad mutex files (another process holds them open, so they are not stale)', () => {
  function plant(name: string, bytes: Uint8Array): { close(): void } {
    const path = sharedMemoryPath(parseName(name));
    const fd = withCreationLock(() => {
      writeScopeFile(name, bytes);
      const held = openSync(path, 'r');
      native.flock(held, LOCK_SH);
      return held;
    });
    const r = {
      close() {
        closeSync(fd);
        try {
          unlinkSync(path);
        } catch {
          /* gone */
        }
      },
    };
    raws.push(r);
    return r;
  }

  it('a wrong header type or version is BAD_HEADER, naming the file and the bytes', () => {
    const name = unique('badhdr');
    const bytes = new Uint8Array(4096);
    bytes[0] = 7;
    bytes[1] = 1;
    plant(name, bytes);
    expect(() => NamedMutex.openOrCreate(name)).toThrow(expect.objectContaining({ code: 'BAD_HEADER', name: 'BadHeaderError' }));
    expect(() => NamedMutex.open(name)).toThrow(/header type 7 version 1 at offset 0/);
  });

  it('a file shorter than the layout needs is BAD_HEADER', () => {
    const name = unique('short');
    plant(name, new Uint8Array([0, 1, 0, 0, 0, 0, 0, 0, 0, 0]));
    expect(() => NamedMutex.openOrCreate(name)).toThrow(/is 10 bytes, shorter than the 72 bytes/);
  });

  it('a right header over garbage where the pthread mutex should be is BAD_HEADER, not a hang', () => {
    const name = unique('garbage');
    const bytes = new Uint8Array(4096).fill(0xee);
    bytes[0] = 0;
    bytes[1] = 1;
    plant(name, bytes);
    expect(() => NamedMutex.openOrCreate(name)).toThrow(/pthread mutex at offset 8 has kind 0xeeeeeeee, not the robust process-shared recursive kind/);
  });

  it('any bytes a peer leaves in a live file give a NamedMutex or a typed error, never a crash', () => {
    const name = unique('fuzz');
    const valid = new Uint8Array(4096);
    valid[1] = 1;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          // mostly a valid-looking header, so the checks after it are reached too
          fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 120 }), fc.nat(4096)).map(([junk, size]) => {
            const b = valid.slice(0, Math.max(size, 2));
            if (b.length > 8) b.set(junk.subarray(0, b.length - 8), 8);
            return b;
          }),
        ),
        (bytes) => {
          const planted = plant(name, bytes);
          try {
            const m = NamedMutex.openOrCreate(name);
            m.close(); // only a file that passes every check opens; we never lock garbage
          } catch (e) {
            expect(e).toBeInstanceOf(TwinmapError);
            expect((e as TwinmapError).code).toBe('BAD_HEADER');
          } finally {
            planted.close();
            raws.splice(raws.indexOf(planted), 1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a stale file (nobody holds it) is re-initialised by openOrCreate and removed by open', () => {
    const name = unique('stale');
    const path = sharedMemoryPath(parseName(name));
    withCreationLock(() => writeScopeFile(name, new Uint8Array(4096).fill(0xee)));
    expect(() => NamedMutex.open(name)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(existsSync(path)).toBe(false);
    withCreationLock(() => writeScopeFile(name, new Uint8Array(10).fill(0xee)));
    const m = track(NamedMutex.openOrCreate(name));
    expect(m.createdNew).toBe(true);
    expect(m.lock()).toBe('acquired');
    m.unlock();
  });
});

describe('native pthread mutex calls are bounds-checked', () => {
  it('refuses an offset past the end and a detached buffer, without touching memory', () => {
    const ab = new ArrayBuffer(64);
    expect(() => native.mutexLock(ab, 64 - native.mutexSize + 8, 0)).toThrow(RangeError);
    expect(() => native.mutexInit(ab, -8)).toThrow(RangeError);
    expect(() => native.mutexUnlock(ab, 3)).toThrow(RangeError);
    const moved = new ArrayBuffer(64);
    structuredClone(moved, { transfer: [moved] }); // detaches `moved`, as unmap() detaches a mapping
    expect(() => native.mutexLock(moved, 0, 0)).toThrow(/does not fit at offset 0 of a mapping of 0 bytes/);
  });
});
