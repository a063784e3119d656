// The generation rule (generation.ts): which tree a name lives in for { dotnet }, what is found on
// disk without it, and the typed error when a live process has the name in the other tree. A
// "live process" here is another open file description holding LOCK_SH, exactly what .NET's
// probe sees; interop-tests/mutex-net11.test.ts does the same with a live .NET 11 app.
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DotnetGenerationMismatchError } from '../errors.js';
import { native } from '../native.js';
import { parseName } from '../names.js';
import { scopeDirectory, sharedMemoryPath, shmTree, userTreeRoot } from './dotnet-shm.js';
import { placementFor, treeKindFor } from './generation.js';
import { NamedMutex } from './named-mutex.js';
import { uniqueName } from '../test-support/unique-name.js';

const unique = (tag: string) => uniqueName('tm-gen', tag);
const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.splice(0).reverse()) c();
});

/** What another process using the mutex looks like from outside: an fd holding LOCK_SH on its file. */
function holdOpenElsewhere(m: NamedMutex): () => void {
  const fd = openSync(m.where, 'r');
  native.flock(fd, native.flockOps.LOCK_SH);
  return () => closeSync(fd);
}

/** A mutex that "another process" (not this NamedMutex state) keeps open in `dotnet`'s tree. */
function liveElsewhere(name: string, dotnet: 'net10' | 'net11'): string {
  const m = NamedMutex.openOrCreate(name, { dotnet });
  const path = m.where;
  const release = holdOpenElsewhere(m);
  // Closing our handle leaves the file to the other holder: this process no longer has it open.
  m.close();
  cleanup.push(() => {
    release();
    // The last user is gone: let the next open find it stale and remove it.
    try {
      NamedMutex.open(name, { dotnet }).close();
    } catch {
      // already removed
    }
  });
  return path;
}

let xdg: string;
const savedXdg = process.env['XDG_RUNTIME_DIR'];
beforeAll(() => {
  xdg = mkdtempSync(`${tmpdir()}/tm-xdg-`);
  chmodSync(xdg, 0o700);
  process.env['XDG_RUNTIME_DIR'] = xdg;
});
afterAll(() => {
  if (savedXdg === undefined) delete process.env['XDG_RUNTIME_DIR'];
  else process.env['XDG_RUNTIME_DIR'] = savedXdg;
  rmSync(xdg, { recursive: true, force: true });
});

describe('.NET generations: where a name lives', () => {
  it('maps (generation, NamedWaitHandleOptions) to a tree as .NET 10 and 11.0.0 do', () => {
    expect(treeKindFor('net10', undefined)).toBe('shared');
    expect(treeKindFor('net10', true)).toBe('uid');
    expect(treeKindFor('net10', false)).toBe('shared');
    expect(treeKindFor('net11', undefined)).toBe('user');
    expect(treeKindFor('net11', true)).toBe('user');
    expect(treeKindFor('net11', false)).toBe('shared');
  });

  it('the .NET 11 user tree: $XDG_RUNTIME_DIR/.dotnet, else ~/.dotnet/corefx/Runtime/SharedMemory/.dotnet', () => {
    expect(shmTree('user').shmDir).toBe(`${xdg}/.dotnet/shm`);
    process.env['XDG_RUNTIME_DIR'] = '';
    try {
      expect(userTreeRoot()).toBe(`${homedir()}/.dotnet/corefx/Runtime/SharedMemory`);
      expect(shmTree('user')).toMatchObject({ kind: 'user', runtimeDir: `${homedir()}/.dotnet/corefx/Runtime/SharedMemory/.dotnet`, dirMode: 0o700, fileMode: 0o600 });
    } finally {
      process.env['XDG_RUNTIME_DIR'] = xdg;
    }
    const euid = process.geteuid!();
    expect(placementFor(parseName('Global\\x'), 'net10', true).path).toBe(`/tmp/.dotnet-uid${euid}/shm/global/x`);
    expect(placementFor(parseName('Global\\x'), 'net11', undefined).path).toBe(`${xdg}/.dotnet/shm/global/x`);
  });

  it("{ dotnet: 'net11' } creates a private file in the user tree (dirs 0700, file 0600)", () => {
    const name = `Global\\${unique('create')}`;
    using m = NamedMutex.create(name, { dotnet: 'net11' });
    expect(m.where).toBe(`${xdg}/.dotnet/shm/global/${name.slice(7)}`);
    expect(m.dotnet).toBe('net11');
    expect(statSync(m.where).mode & 0o777).toBe(0o600);
    expect(statSync(`${xdg}/.dotnet/shm`).mode & 0o777).toBe(0o700);
  });

  it('without the option: a live file in the .NET 11 tree is the one opened; with none, /tmp/.dotnet', () => {
    const name = `Global\\${unique('auto')}`;
    const path = liveElsewhere(name, 'net11');
    using found = NamedMutex.openOrCreate(name);
    expect(found.createdNew).toBe(false);
    expect(found.dotnet).toBe('net11');
    expect(found.where).toBe(path);
    const fresh = `Global\\${unique('fresh')}`;
    using created = NamedMutex.openOrCreate(fresh);
    expect(created.dotnet).toBe('net10');
    expect(created.where).toBe(sharedMemoryPath(parseName(fresh)));
  });

  it("a live process in the other generation's tree is a DotnetGenerationMismatchError naming both files and the option", () => {
    const name = `Global\\${unique('mismatch')}`;
    const other = liveElsewhere(name, 'net11');
    const mine = sharedMemoryPath(parseName(name));
    for (const open of [() => NamedMutex.openOrCreate(name, { dotnet: 'net10' }), () => NamedMutex.open(name, { dotnet: 'net10' }), () => NamedMutex.create(name, { dotnet: 'net10' })]) {
      let caught: unknown;
      try {
        open().close();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(DotnetGenerationMismatchError);
      const e = caught as DotnetGenerationMismatchError;
      expect(e.code).toBe('GENERATION_MISMATCH');
      expect(e.paths).toEqual([mine, other]);
      expect(e.message).toContain(mine);
      expect(e.message).toContain(other);
      expect(e.message).toContain("{ dotnet: 'net11' }");
    }
    // Nothing was created in the tree asked for.
    expect(existsSync(mine)).toBe(false);
  });

  it('the same both ways: a live /tmp/.dotnet file and { dotnet: net11 }', () => {
    const name = `Global\\${unique('mismatch2')}`;
    const other = liveElsewhere(name, 'net10');
    expect(() => NamedMutex.openOrCreate(name, { dotnet: 'net11' })).toThrow(DotnetGenerationMismatchError);
    expect(() => NamedMutex.openOrCreate(name, { dotnet: 'net11' })).toThrow(other);
    expect(() => NamedMutex.openOrCreate(name, { dotnet: 'net11' })).toThrow("{ dotnet: 'net10' }");
  });

  it('and for currentUserOnly: .NET 10 /tmp/.dotnet-uid<euid> against .NET 11 user tree', () => {
    const name = `Global\\${unique('uid')}`;
    const m = NamedMutex.openOrCreate(name, { dotnet: 'net10', currentUserOnly: true, currentSessionOnly: false });
    expect(m.where).toMatch(/^\/tmp\/\.dotnet-uid\d+\/shm\/global\//);
    const release = holdOpenElsewhere(m);
    m.close();
    try {
      expect(() => NamedMutex.openOrCreate(name, { dotnet: 'net11', currentUserOnly: true, currentSessionOnly: false })).toThrow(DotnetGenerationMismatchError);
      using found = NamedMutex.open(name, { currentUserOnly: true, currentSessionOnly: false });
      expect(found.dotnet).toBe('net10');
    } finally {
      release();
    }
  });

  it('without the option, live files in both trees are a mismatch too', () => {
    const name = `Global\\${unique('both')}`;
    liveElsewhere(name, 'net10');
    // A .NET 11 app's file next to it (twinmap itself never makes the second one).
    const parsed = parseName(name);
    const tree = shmTree('user');
    mkdirSync(scopeDirectory(parsed, tree), { recursive: true, mode: 0o700 });
    const path = sharedMemoryPath(parsed, tree);
    const bytes = new Uint8Array(4096);
    bytes[1] = 1;
    writeFileSync(path, bytes, { mode: 0o600 });
    const fd = openSync(path, 'r');
    native.flock(fd, native.flockOps.LOCK_SH);
    cleanup.push(() => {
      closeSync(fd);
      rmSync(path);
    });
    expect(() => NamedMutex.openOrCreate(name)).toThrow(DotnetGenerationMismatchError);
    expect(() => NamedMutex.open(name)).toThrow(/open by live processes in two trees/);
  });

  it('a stale file in the other tree (its users died) is no mismatch', () => {
    const name = `Global\\${unique('stale')}`;
    const m = NamedMutex.openOrCreate(name, { dotnet: 'net11' });
    const path = m.where;
    // What a SIGKILLed .NET process leaves: the file, with nobody holding LOCK_SH on it.
    const release = holdOpenElsewhere(m);
    m.close();
    release();
    expect(existsSync(path)).toBe(true);
    const ok = NamedMutex.openOrCreate(name, { dotnet: 'net10' });
    expect(ok.createdNew).toBe(true);
    ok.close();
    // .NET's own rule then removes the stale file on the next open there.
    expect(() => NamedMutex.open(name, { dotnet: 'net11' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(existsSync(path)).toBe(false);
  });

  it('currentUserOnly: false is /tmp/.dotnet for both generations: nothing to mismatch', () => {
    const name = `Global\\${unique('shared')}`;
    using a = NamedMutex.openOrCreate(name, { dotnet: 'net11', currentUserOnly: false, currentSessionOnly: false });
    using b = NamedMutex.openOrCreate(name, { dotnet: 'net10', currentUserOnly: false, currentSessionOnly: false });
    expect(a.where).toBe(b.where);
    expect(a.where).toBe(sharedMemoryPath(parseName(name)));
  });

  it('an XDG_RUNTIME_DIR that does not exist is a typed error naming it (.NET 11 fails there too)', () => {
    process.env['XDG_RUNTIME_DIR'] = `${xdg}/missing`;
    try {
      expect(() => NamedMutex.openOrCreate(`Global\\${unique('noxdg')}`, { dotnet: 'net11' })).toThrow(
        expect.objectContaining({ osCode: 'ENOENT', message: expect.stringContaining(`${xdg}/missing (XDG_RUNTIME_DIR`) }),
      );
    } finally {
      process.env['XDG_RUNTIME_DIR'] = xdg;
    }
  });

  it('open without the option names both places it looked', () => {
    const name = `Global\\${unique('none')}`;
    expect(() => NamedMutex.open(name)).toThrow(new RegExp(`nor does any process have it open as net11 \\(${xdg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\.dotnet/shm/global/`));
  });
});
