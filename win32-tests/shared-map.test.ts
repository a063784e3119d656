// SharedMap (ts/map/) on Windows: the Win32 backend (ts/map/win32.ts), the same checks as
// the Linux suite where Windows means the same thing, plus a second node.exe process.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AlreadyExistsError, ClosedError, InvalidNameError, NotFoundError, ReadOnlyError } from '../ts/errors.js';
import { SharedMap } from '../ts/map/shared-map.js';
import { native } from '../ts/native.js';
import { Child, uniqueName } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'twinmap-map-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected a throw');
}

describe('SharedMap on Win32, named', () => {
  it('shares the pages between two mappings and with another node.exe, no copy', async () => {
    const name = uniqueName('map');
    using a = SharedMap.create(name, { size: 4096 });
    using b = SharedMap.open(name);
    assert.equal(a.size, 4096);
    assert.equal(a.path, undefined);
    a.bytes.set([0xde, 0xad, 0xbe, 0xef], 100);
    assert.deepEqual([...b.bytes.subarray(100, 104)], [0xde, 0xad, 0xbe, 0xef]);
    b.view.setUint32(0, 41, true);
    assert.equal(b.createdNew, false);
    assert.equal(b.size, 4096);
    const child = new Child('child.js', ['map-increment', name]);
    assert.equal((await child.next('done'))['seen'], 41);
    assert.equal((await child.exited).exitCode, 0);
    assert.equal(a.view.getUint32(0, true), 42);
  });

  it('"x" and "Local\\\\x" are one object, "Global\\\\x" another (names go to the kernel unchanged)', () => {
    const base = uniqueName('scope', '');
    using a = SharedMap.create(base, { size: 16 });
    using b = SharedMap.open(`Local\\${base}`);
    a.bytes[3] = 7;
    assert.equal(b.bytes[3], 7);
    assert.throws(() => SharedMap.open(`Global\\${base}`), NotFoundError);
  });

  it('opens a twinmap map at its exact size (its side-car), a foreign one in whole pages', () => {
    const name = uniqueName('pages');
    using a = SharedMap.create(name, { size: 100 });
    assert.equal(a.size, 100);
    using b = SharedMap.open(name);
    assert.equal(b.size, 100);
    // Made like .NET's MemoryMappedFile.CreateOrOpen(name, 100): Windows keeps no exact size.
    const foreign = uniqueName('foreign');
    const section = native.win32!.createFileMapping(null, foreign, 100, true).handle;
    using c = SharedMap.open(foreign);
    assert.equal(c.size, native.pageSize());
    section.close();
  });

  it('refuses to create a name that exists, and leaves the existing map alone', () => {
    const name = uniqueName('taken');
    using a = SharedMap.create(name, { size: 64 });
    a.bytes[0] = 9;
    const e = thrown(() => SharedMap.create(name, { size: 128 }));
    assert.ok(e instanceof AlreadyExistsError);
    assert.ok(e.message.includes(name.slice('Local\\'.length)), e.message);
    assert.equal(a.bytes[0], 9);
  });

  it('reports a missing map as NotFoundError naming it', () => {
    const name = uniqueName('missing');
    const e = thrown(() => SharedMap.open(name));
    assert.ok(e instanceof NotFoundError);
    assert.equal(e.osCode, 'ERROR_FILE_NOT_FOUND');
    assert.ok(e.message.includes(name.slice('Local\\'.length)), e.message);
  });

  it('refuses invalid names and sizes with typed errors, creating nothing', () => {
    for (const bad of ['', 'a/b', '..x', 'Foo\\x', 'Global\\', 'x'.repeat(256)]) {
      assert.ok(thrown(() => SharedMap.create(bad, { size: 64 })) instanceof InvalidNameError, bad);
    }
    for (const size of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => SharedMap.create(uniqueName('size'), { size }), { code: 'INVALID_ARGUMENT' });
    }
  });

  it('openOrCreate creates once, then opens; refuses an existing map smaller than asked', () => {
    const name = uniqueName('ooc');
    using a = SharedMap.openOrCreate(name, { size: 4096 });
    assert.equal(a.createdNew, true);
    using b = SharedMap.openOrCreate(name, { size: 4096 });
    assert.equal(b.createdNew, false);
    assert.throws(() => SharedMap.openOrCreate(name, { size: 1 << 20 }), { code: 'INVALID_ARGUMENT' });
  });

  it('a map closed by everyone is gone (Windows); unlink has nothing to remove', () => {
    const name = uniqueName('gone');
    const a = SharedMap.create(name, { size: 64 });
    assert.equal(SharedMap.unlink(name), false);
    a.close();
    assert.throws(() => SharedMap.open(name), NotFoundError);
  });

  it('read-only: no writable view is handed out; reads see live writes', () => {
    const name = uniqueName('ro');
    using w = SharedMap.create(name, { size: 4096 });
    using r = SharedMap.open(name, { readOnly: true });
    for (const get of [() => r.buffer, () => r.bytes, () => r.view, () => r.write(0, [1])]) {
      assert.ok(thrown(get) instanceof ReadOnlyError);
    }
    w.view.setUint32(8, 0xcafebabe, true);
    assert.equal(r.reader.getUint32(8, true), 0xcafebabe);
  });

  it('after close: ClosedError for every use, views handed out before are empty', () => {
    const map = SharedMap.create(uniqueName('closed'), { size: 4096 });
    const bytes = map.bytes;
    map.close();
    map.close();
    for (const use of [() => map.bytes, () => map.view, () => map.flush(), () => map.read(0, 1)]) {
      assert.ok(thrown(use) instanceof ClosedError);
    }
    assert.equal(bytes.length, 0);
    assert.equal(bytes[0], undefined);
  });
});

describe('SharedMap on Win32, file-backed', () => {
  it('createFile makes a zero-filled file of that size; writes reach the file', () => {
    const path = join(dir, 'created');
    using map = SharedMap.createFile(path, 48);
    assert.equal(map.path, path);
    assert.deepEqual(readFileSync(path), Buffer.alloc(48));
    map.bytes.set([1, 2, 3]);
    map.flush();
    assert.deepEqual([...readFileSync(path).subarray(0, 3)], [1, 2, 3]);
  });

  it('openFile maps an existing file at its exact size, also read-only', () => {
    const path = join(dir, 'existing');
    writeFileSync(path, Buffer.from([5, 6, 7, 8, 9]));
    using map = SharedMap.openFile(path);
    assert.equal(map.size, 5);
    assert.deepEqual([...map.bytes], [5, 6, 7, 8, 9]);
    using ro = SharedMap.openFile(path, { readOnly: true });
    assert.deepEqual([...ro.read(0, 5)], [5, 6, 7, 8, 9]);
  });

  it('createFile refuses an existing path; openFile of a missing or empty file is typed', () => {
    const path = join(dir, 'taken');
    writeFileSync(path, 'hello');
    assert.ok(thrown(() => SharedMap.createFile(path, 64)) instanceof AlreadyExistsError);
    assert.equal(readFileSync(path, 'utf8'), 'hello');
    assert.ok(thrown(() => SharedMap.openFile(join(dir, 'missing'))) instanceof NotFoundError);
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    assert.throws(() => SharedMap.openFile(empty), { code: 'INVALID_ARGUMENT', message: /empty \(0 bytes\)/ });
  });
});
