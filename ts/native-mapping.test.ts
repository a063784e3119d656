import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { native } from './native.js';

const dir = mkdtempSync(join(tmpdir(), 'twinmap-mapping-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('native Mapping', () => {
  it('maps a file without copying: writes through the ArrayBuffer reach the file', () => {
    const file = join(dir, 'a');
    const fd = openSync(file, 'w+');
    ftruncateSync(fd, 4096);
    const m = new native.Mapping(fd, 4096, true);
    closeSync(fd); // the mapping outlives its descriptor, as mmap promises
    new Uint8Array(m.buffer!).set([1, 2, 3], 10);
    m.flush();
    expect([...readFileSync(file).subarray(10, 13)]).toEqual([1, 2, 3]);
    m.unmap();
  });

  it('detaches every view on unmap, so use after unmap reads nothing instead of crashing', () => {
    const fd = openSync(join(dir, 'b'), 'w+');
    ftruncateSync(fd, 4096);
    const m = new native.Mapping(fd, 4096, true);
    closeSync(fd);
    const view = new Uint8Array(m.buffer!);
    m.unmap();
    m.unmap(); // idempotent
    expect(m.mapped).toBe(false);
    expect(view.length).toBe(0);
    expect(view[0]).toBeUndefined();
    expect(() => m.flush()).toThrow(/EBADF/);
  });

  it('reports an OS error with its errno name', () => {
    let caught: unknown;
    try {
      new native.Mapping(-1, 4096, true);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'EBADF', syscall: 'mmap' });
  });

  it('knows the page size', () => {
    expect(native.pageSize()).toBeGreaterThanOrEqual(4096);
  });
});
