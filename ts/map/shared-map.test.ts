import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AlreadyExistsError, BadHeaderError, ClosedError, InvalidNameError, NotFoundError, ReadOnlyError, TwinmapError } from '../errors.js';
import { SharedMap } from './shared-map.js';
import { uniqueName } from '../test-support/unique-name.js';

const dir = mkdtempSync(join(tmpdir(), 'twinmap-map-'));
const made: string[] = [];
function freshName(tag = 'm'): string {
  const name = uniqueName('twinmap-test', tag);
  made.push(name);
  return name;
}
afterEach(() => {
  // plain fs, not SharedMap.unlink: cleans up even when the addon is stale or the test failed
  for (const name of made.splice(0)) rmSync(`/dev/shm/${name}`, { force: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function withUmask<T>(mask: number, fn: () => T): T {
  const old = process.umask(mask);
  try {
    return fn();
  } finally {
    process.umask(old);
  }
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

/** The permissions the kernel gave a mapping of `path` in this process ("rw-s", "r--s"). */
function mappingPerms(path: string): string[] {
  return readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .filter((l) => l.endsWith(path) || l.endsWith(`${path} (deleted)`))
    .map((l) => l.split(/\s+/)[1]!);
}

describe('SharedMap by name', () => {
  it('creates /dev/shm/<base> with exactly the size asked, owner-only whatever the umask', () => {
    const name = freshName();
    using map = withUmask(0, () => SharedMap.create(`Local\\${name}`, { size: 5000 }));
    expect(map.size).toBe(5000);
    expect(map.createdNew).toBe(true);
    expect(map.path).toBe(`/dev/shm/${name}`);
    const st = statSync(`/dev/shm/${name}`);
    expect(st.size).toBe(5000);
    expect(st.mode & 0o777).toBe(0o600);
    expect(map.bytes.length).toBe(5000);
    expect(map.buffer.byteLength).toBe(5000);
    expect(map.view.byteLength).toBe(5000);
  });

  it('uses the mode asked for, even against a umask that would narrow it', () => {
    const name = freshName();
    using _map = withUmask(0o077, () => SharedMap.create(name, { size: 64, mode: 0o640 }));
    expect(statSync(`/dev/shm/${name}`).mode & 0o777).toBe(0o640);
  });

  it('shares the pages: a write through one mapping is seen through another, no copy', () => {
    const name = freshName();
    using a = SharedMap.create(name, { size: 4096 });
    using b = SharedMap.open(name);
    a.bytes.set([0xde, 0xad, 0xbe, 0xef], 100);
    expect([...b.bytes.subarray(100, 104)]).toEqual([0xde, 0xad, 0xbe, 0xef]);
    b.view.setInt32(0, -42, true);
    expect(a.view.getInt32(0, true)).toBe(-42);
    expect(b.createdNew).toBe(false);
    expect(b.size).toBe(4096);
  });

  it('treats Global\\x, Local\\x and x as the same POSIX object /x', () => {
    const name = freshName();
    using a = SharedMap.create(`Global\\${name}`, { size: 16 });
    using b = SharedMap.open(name);
    a.bytes[3] = 7;
    expect(b.bytes[3]).toBe(7);
  });

  it('refuses to create a name that exists, and leaves the existing map alone', () => {
    const name = freshName();
    using a = SharedMap.create(name, { size: 64 });
    a.bytes[0] = 9;
    const e = thrown(() => SharedMap.create(name, { size: 128 }));
    expect(e).toBeInstanceOf(AlreadyExistsError);
    expect((e as Error).message).toContain(name);
    expect(statSync(`/dev/shm/${name}`).size).toBe(64);
    expect(a.bytes[0]).toBe(9);
  });

  it('reports a missing map as NotFoundError naming it', () => {
    const name = freshName();
    const e = thrown(() => SharedMap.open(name));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e).toMatchObject({ code: 'NOT_FOUND', osCode: 'ENOENT' });
    expect((e as Error).message).toContain(name);
  });

  it.each([
    ['', 'empty'],
    ['a/b', "'/'"],
    ['..x', "'..'"],
    ['Foo\\x', 'bad prefix'],
    ['Global\\', 'nothing follows'],
    ['x'.repeat(256), 'too long'],
  ])('refuses the invalid name %j with InvalidNameError, creating nothing', (bad, why) => {
    for (const fn of [() => SharedMap.create(bad, { size: 64 }), () => SharedMap.open(bad), () => SharedMap.openOrCreate(bad, { size: 64 })]) {
      const e = thrown(fn);
      expect(e).toBeInstanceOf(InvalidNameError);
      expect((e as Error).message).toContain(why);
    }
  });

  it.each([0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2])('refuses size %s with INVALID_ARGUMENT', (size) => {
    const name = freshName();
    expect(thrown(() => SharedMap.create(name, { size }))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(existsSync(`/dev/shm/${name}`)).toBe(false);
  });

  it('reports a full /dev/shm as an error at create time, not a SIGBUS at first write', () => {
    const name = freshName();
    const e = thrown(() => SharedMap.create(name, { size: 2 ** 50 }));
    expect(e).toBeInstanceOf(TwinmapError);
    expect((e as TwinmapError).osCode).toMatch(/ENOSPC|EFBIG|ENOMEM/);
    expect(existsSync(`/dev/shm/${name}`)).toBe(false); // the half-made object is removed
  });

  it('openOrCreate creates once, then opens what exists', () => {
    const name = freshName();
    using a = SharedMap.openOrCreate(name, { size: 256 });
    using b = SharedMap.openOrCreate(name, { size: 256 });
    expect([a.createdNew, b.createdNew]).toEqual([true, false]);
    a.bytes[255] = 1;
    expect(b.bytes[255]).toBe(1);
  });

  it('openOrCreate maps a larger existing map whole, and refuses a smaller one rather than resizing it', () => {
    const name = freshName();
    using _a = SharedMap.create(name, { size: 8192 });
    using b = SharedMap.openOrCreate(name, { size: 100 });
    expect(b.size).toBe(8192);
    const e = thrown(() => SharedMap.openOrCreate(name, { size: 10000 }));
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((e as Error).message).toMatch(/8192 bytes, fewer than the 10000/);
    expect(statSync(`/dev/shm/${name}`).size).toBe(8192);
  });

  it('opens a 0-byte object (its creator never sized it) with BadHeaderError, not a crash', () => {
    const name = freshName();
    writeFileSync(`/dev/shm/${name}`, '');
    try {
      const started = Date.now();
      expect(thrown(() => SharedMap.open(name))).toBeInstanceOf(BadHeaderError);
      expect(Date.now() - started).toBeLessThan(5000); // waits briefly for a creator, then gives up
    } finally {
      rmSync(`/dev/shm/${name}`, { force: true }); // removed even if the addon is stale and unlink cannot run
    }
  });

  it('unlink removes the name; maps already open keep working', () => {
    const name = freshName();
    using a = SharedMap.create(name, { size: 64 });
    expect(SharedMap.unlink(name)).toBe(true);
    expect(SharedMap.unlink(name)).toBe(false);
    expect(thrown(() => SharedMap.open(name))).toBeInstanceOf(NotFoundError);
    a.bytes[1] = 2;
    expect(a.bytes[1]).toBe(2);
    using c = SharedMap.create(name, { size: 64 });
    expect(c.bytes[1]).toBe(0); // a new object, not the old one
  });
});

describe('SharedMap read-only', () => {
  it('maps the pages PROT_READ and hands out no writable view; reads see live writes without a copy', () => {
    const name = freshName();
    using w = SharedMap.create(name, { size: 4096 });
    using r = SharedMap.open(name, { readOnly: true });
    expect(r.readOnly).toBe(true);
    expect(mappingPerms(`/dev/shm/${name}`).sort()).toEqual(['r--s', 'rw-s']);
    for (const get of [() => r.buffer, () => r.bytes, () => r.view, () => r.write(0, [1])]) {
      const e = thrown(get);
      expect(e).toBeInstanceOf(ReadOnlyError);
      expect(e).toMatchObject({ code: 'PERMISSION' });
    }
    w.view.setUint32(8, 0xcafebabe, true);
    expect(r.reader.getUint32(8, true)).toBe(0xcafebabe);
    expect(r.reader.byteLength).toBe(4096);
    const copy = r.read(8, 4);
    w.view.setUint32(8, 1, true);
    expect([...copy]).toEqual([0xbe, 0xba, 0xfe, 0xca]); // read() is a copy
    expect(r.reader.getUint32(8, true)).toBe(1); // reader is not
    expect(() => r.reader.getUint32(4094)).toThrow(RangeError);
  });

  it('a writable map reader is its DataView', () => {
    const name = freshName();
    using w = SharedMap.create(name, { size: 16 });
    expect(w.reader).toBe(w.view);
  });
});

describe('SharedMap after close', () => {
  it('throws ClosedError for every use, and views handed out before are empty, not dangling', () => {
    const name = freshName();
    const map = SharedMap.create(name, { size: 4096 });
    const bytes = map.bytes;
    const view = map.view;
    map.close();
    map.close(); // idempotent
    expect(map.closed).toBe(true);
    for (const use of [() => map.bytes, () => map.buffer, () => map.view, () => map.reader, () => map.flush(), () => map.read(0, 1), () => map.write(0, [1])]) {
      expect(thrown(use)).toBeInstanceOf(ClosedError);
    }
    expect(bytes.length).toBe(0);
    expect(bytes[0]).toBeUndefined();
    expect(() => view.getUint8(0)).toThrow(TypeError);
  });

  it('a read-only reader kept past close throws ClosedError', () => {
    const name = freshName();
    using _w = SharedMap.create(name, { size: 64 });
    const r = SharedMap.open(name, { readOnly: true });
    const reader = r.reader;
    r[Symbol.dispose]();
    expect(thrown(() => reader.getUint8(0))).toBeInstanceOf(ClosedError);
    expect(reader.byteLength).toBe(0);
  });

  it('checks read/write ranges and names the offset', () => {
    const name = freshName();
    using map = SharedMap.create(name, { size: 64 });
    expect((thrown(() => map.write(60, [1, 2, 3, 4, 5])) as Error).message).toMatch(/5 bytes at offset 60 .*64 bytes/);
    expect(thrown(() => map.read(-1, 1))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    map.write(60, [1, 2, 3, 4]);
    expect([...map.read(60, 4)]).toEqual([1, 2, 3, 4]);
  });
});

describe('SharedMap of a file', () => {
  it('createFile makes a zero-filled 0600 file whatever the umask; writes reach the file', () => {
    const path = join(dir, 'created');
    using map = withUmask(0, () => SharedMap.createFile(path, 48));
    expect(map.name).toBeUndefined();
    expect(map.path).toBe(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path)).toEqual(Buffer.alloc(48));
    map.bytes.set([1, 2, 3]);
    map.flush();
    expect([...readFileSync(path).subarray(0, 3)]).toEqual([1, 2, 3]);
  });

  it('openFile maps an existing file at its size and sees its bytes', () => {
    const path = join(dir, 'existing');
    writeFileSync(path, Buffer.from([5, 6, 7, 8, 9]));
    using map = SharedMap.openFile(path);
    expect(map.size).toBe(5);
    expect([...map.bytes]).toEqual([5, 6, 7, 8, 9]);
    using ro = SharedMap.openFile(path, { readOnly: true });
    expect([...ro.read(0, 5)]).toEqual([5, 6, 7, 8, 9]);
  });

  it('createFile refuses an existing path, leaving the file as it was', () => {
    const path = join(dir, 'taken');
    writeFileSync(path, 'hello');
    expect(thrown(() => SharedMap.createFile(path, 64))).toBeInstanceOf(AlreadyExistsError);
    expect(readFileSync(path, 'utf8')).toBe('hello');
  });

  it('openFile of a missing file is NotFoundError', () => {
    const e = thrown(() => SharedMap.openFile(join(dir, 'missing')));
    expect(e).toBeInstanceOf(NotFoundError);
    expect((e as Error).message).toContain('missing');
  });

  it('openFile of an empty file is INVALID_ARGUMENT (nothing to map)', () => {
    const path = join(dir, 'empty');
    writeFileSync(path, '');
    const e = thrown(() => SharedMap.openFile(path));
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((e as Error).message).toMatch(/empty \(0 bytes\)/);
  });

  it.each([
    ['a directory', () => dir],
    ['a character device', () => '/dev/zero'],
    [
      'a FIFO',
      () => {
        const p = join(dir, 'fifo');
        if (!existsSync(p)) execFileSync('mkfifo', [p]);
        return p;
      },
    ],
  ])('openFile of %s is INVALID_ARGUMENT and does not hang', (kind, path) => {
    for (const readOnly of [true, false]) {
      const e = thrown(() => SharedMap.openFile(path(), { readOnly }));
      expect(e).toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect((e as Error).message).toContain(kind);
    }
  });
});
