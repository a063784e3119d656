// Reliability of named maps against what another local user (or bad luck) can put at
// /dev/shm/<name>: symlinks, hard links, FIFOs, objects of another owner, objects too large for
// this runtime, and a creator still sizing a large object.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, lstatSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { TwinmapError } from '../errors.js';
import { inspectMap } from '../inspect/inspect-map.js';
import { SharedMap } from '../map/shared-map.js';
import { asOtherUser, isRoot, otherUser, repoRoot, uniqueName } from './support.js';

const made: string[] = [];
afterEach(() => {
  for (const p of made.splice(0)) rmSync(p, { force: true });
});
function shmPath(name: string): string {
  const p = `/dev/shm/${name}`;
  made.push(p);
  return p;
}

describe.runIf(isRoot)('another user plants something at /dev/shm/<name>', () => {
  it('a symlink to a file of ours: open/openOrCreate refuse it (PERMISSION naming the path); the target is untouched', () => {
    const name = uniqueName('link');
    const target = `/tmp/${name}-target`;
    made.push(target);
    writeFileSync(target, Buffer.alloc(4096, 7), { mode: 0o644 });
    const link = shmPath(name);
    asOtherUser('ln', '-s', target, link);
    for (const open of [() => SharedMap.open(name), () => SharedMap.openOrCreate(name, { size: 4096 }), () => SharedMap.open(name, { readOnly: true })]) {
      expect(open).toThrow(TwinmapError);
      try {
        open();
      } catch (e) {
        expect((e as TwinmapError).code).toBe('PERMISSION');
        expect((e as Error).message).toContain(link);
      }
    }
    expect(() => SharedMap.create(name, { size: 4096 })).toThrow(expect.objectContaining({ code: 'ALREADY_EXISTS' }));
    expect(readFileSync(target).every((b) => b === 7)).toBe(true);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('an object owned by another user is refused unless allowForeignOwner: true', () => {
    const name = uniqueName('foreign');
    const path = shmPath(name);
    asOtherUser('sh', '-c', `head -c 4096 /dev/zero > ${path} && chmod 666 ${path}`);
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(TwinmapError);
        expect((e as TwinmapError).code).toBe('PERMISSION');
        expect((e as Error).message).toMatch(new RegExp(`owned by uid ${otherUser().uid}.*allowForeignOwner`));
        return;
      }
      throw new Error('expected a PERMISSION error');
    };
    refused(() => SharedMap.open(name));
    refused(() => SharedMap.open(name, { readOnly: true }));
    refused(() => SharedMap.openOrCreate(name, { size: 4096 }));
    using m = SharedMap.open(name, { allowForeignOwner: true });
    m.write(0, [1, 2, 3]);
    expect(readFileSync(path).subarray(0, 3)).toEqual(Buffer.from([1, 2, 3]));
    // inspect still reads it (it is a diagnostic), and says whose it is.
    const seen = inspectMap(name);
    expect(seen).toMatchObject({ size: 4096, uid: otherUser().uid, foreignOwner: true });
    expect(execFileSync(process.execPath, ['dist/ts/cli.js', 'inspect', name], { cwd: repoRoot, encoding: 'utf8' })).toContain(`owned by uid ${otherUser().uid}: ANOTHER USER`);
  });

  it('a FIFO: open (read-only too) and inspect fail at once with "a FIFO", never wait for a writer', () => {
    const name = uniqueName('fifo');
    const path = shmPath(name);
    asOtherUser('mkfifo', '-m', '666', path);
    // Run in a child: a regression would hang, and the child's time limit turns that into a failure.
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import * as lib from './dist/ts/index.js';
         import { inspectMap } from './dist/ts/inspect/inspect-map.js';
         for (const f of [() => lib.SharedMap.open(${JSON.stringify(name)}, { readOnly: true, allowForeignOwner: true }), () => lib.SharedMap.open(${JSON.stringify(name)}, { allowForeignOwner: true }), () => inspectMap(${JSON.stringify(name)})]) {
           try { f(); console.log('opened'); } catch (e) { console.log(e.code + ': ' + e.message); }
         }`,
      ],
      { cwd: repoRoot, encoding: 'utf8', timeout: 20_000 },
    );
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines.slice(0, 2)) expect(line).toMatch(/^INVALID_ARGUMENT: .*it is a FIFO, not a regular file/);
    expect(lines[2]).toMatch(/^(INVALID_ARGUMENT|PERMISSION): .*(FIFO|owned by)/);
  });
});

describe('hard links, sizes and races', () => {
  it('a named object with a second hard link is refused (PERMISSION)', () => {
    const name = uniqueName('hardlink');
    const path = shmPath(name);
    const other = `/dev/shm/${name}-other`;
    made.push(other);
    writeFileSync(other, Buffer.alloc(4096), { mode: 0o600 });
    execFileSync('ln', [other, path]);
    expect(() => SharedMap.open(name)).toThrow(/2 hard links/);
  });

  it('an object over 4 GiB on a Node whose buffers stop at 4 GiB: TooLargeError, no abort', () => {
    const name = uniqueName('huge');
    const path = shmPath(name);
    const fd = openSync(path, 'w', 0o600);
    ftruncateSync(fd, 2 ** 32 + 4096); // sparse: costs no memory
    closeSync(fd);
    // In a child: the failure this guards against aborted the whole process (double free).
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `import * as lib from './dist/ts/index.js'; import { constants } from 'node:buffer';
        try { const m = lib.SharedMap.open(${JSON.stringify(name)}); console.log('mapped ' + m.size + ' max ' + constants.MAX_LENGTH); m.close(); }
        catch (e) { console.log(e.name + ' ' + e.code + ': ' + e.message); }`],
      { cwd: repoRoot, encoding: 'utf8', timeout: 20_000 },
    );
    const bufferMax = Number(execFileSync(process.execPath, ['-p', 'require("node:buffer").constants.MAX_LENGTH'], { encoding: 'utf8' }));
    if (bufferMax < 2 ** 32 + 4096) {
      expect(out.trim()).toMatch(/^TooLargeError TOO_LARGE: map ".*" \(\/dev\/shm\/.*\) is 4294971392 bytes, more than this Node\.js can map as one buffer/);
    } else {
      expect(out.trim()).toBe(`mapped 4294971392 max ${bufferMax}`);
    }
  });

  it('open racing a large create sees the full size, not BAD_HEADER', async () => {
    const name = uniqueName('race');
    shmPath(name);
    const size = 512 * 1024 * 1024; // posix_fallocate of this takes long enough to race
    const creator = spawn(process.execPath, ['--input-type=module', '-e', `import * as lib from './dist/ts/index.js'; const m = lib.SharedMap.create(${JSON.stringify(name)}, { size: ${size} }); console.log('created'); setTimeout(() => m.close(), 200);`], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    const done = new Promise<number | null>((r) => creator.on('exit', r));
    while (!existsSync(`/dev/shm/${name}`)) await new Promise((r) => setTimeout(r, 0));
    using m = SharedMap.open(name, { readOnly: true });
    expect(m.size).toBe(size);
    expect(await done).toBe(0);
  });
});
