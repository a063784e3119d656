// Reliability of named mutexes against another local user planting things in .NET's shared
// tree (/tmp/.dotnet/shm/...), dropped handles, and misuse from JS.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AlreadyExistsError, BadHeaderError, InvalidNameError, TwinmapError } from '../errors.js';
import { scopeDirectory, sharedMemoryPath } from '../mutex/dotnet-shm.js';
import { NamedMutex } from '../mutex/named-mutex.js';
import { parseName } from '../names.js';
import { asOtherUser, isRoot, repoRoot, runNode, uniqueName } from './support.js';
import { PeerProcess } from '../test-support/peer-process.js';

const dist = join(repoRoot, 'dist', 'ts', 'index.js');

beforeAll(() => {
  execFileSync('npx', ['tsc', '-p', join(repoRoot, 'tsconfig.build.json')], { cwd: repoRoot, stdio: 'inherit' });
}, 120_000);

function expectCode(f: () => unknown, code: string, message: RegExp): TwinmapError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TwinmapError);
    expect((e as TwinmapError).code).toBe(code);
    expect((e as Error).message).toMatch(message);
    return e as TwinmapError;
  }
  throw new Error(`expected a ${code} error`);
}

/** A root-owned directory the attacker would like root to make world-writable. */
function victimDirectory(tag: string): string {
  const dir = `/tmp/${uniqueName(tag)}`;
  mkdirSync(dir, { mode: 0o755 });
  return dir;
}

/**
 * Runs a Node process in a session of its own (setsid), so its session directory
 * /tmp/.dotnet/shm/session<sid> is new and no other process uses it; `plant(sid)` runs before it
 * opens `name`. Returns what the open printed.
 */
async function openInNewSession(name: string, plant: (sessionDir: string) => void): Promise<string> {
  const child = new PeerProcess('setsid', [process.execPath, '--input-type=module', '-e', `
    import * as lib from ${JSON.stringify(dist)};
    import { createInterface } from 'node:readline';
    console.log(String(lib.NamedMutex ? process.pid : 0));
    for await (const _ of createInterface({ input: process.stdin })) break;
    try { const m = lib.NamedMutex.openOrCreate(${JSON.stringify(name)}); console.log('opened ' + m.createdNew); m.close(); }
    catch (e) { console.log(e.name + ' ' + e.code + ': ' + e.message); }`], { label: 'setsid node' });
  // Plain text lines: PeerProcess hands each as a 'stdout' event.
  const sid = Number((await child.next('stdout'))['line']); // setsid makes the child a session leader: sid = pid
  plant(`/tmp/.dotnet/shm/session${sid}`);
  child.send('go');
  child.endInput();
  const out = String((await child.next('stdout'))['line']);
  await child.exited;
  return out;
}

describe.runIf(isRoot)("another user plants in .NET's mutex tree", () => {
  beforeAll(() => {
    using m = NamedMutex.openOrCreate(uniqueName('tree')); // makes /tmp/.dotnet/shm exist
    void m;
  });

  it('a session directory that is a symlink to a root-owned directory: PERMISSION, the target is not chmod-ed nor written', async () => {
    const victim = victimDirectory('victim');
    let planted = '';
    try {
      const out = await openInNewSession('tm-rel-link', (sessionDir) => {
        planted = sessionDir;
        asOtherUser('ln', '-s', victim, sessionDir);
      });
      expect(out).toMatch(/^TwinmapError PERMISSION: .*session\d+ is a symbolic link/);
      expect(statSync(victim).mode & 0o777).toBe(0o755);
      expect(readdirSync(victim)).toEqual([]);
    } finally {
      // The link must go too: left dangling, it makes a later session leader with the same
      // pid fail in .NET's own mkdir (EEXIST) once pids wrap.
      if (planted !== '') rmSync(planted, { force: true });
      rmSync(victim, { recursive: true, force: true });
    }
  });

  it("a session directory another user made: PERMISSION, never chmod-ed", async () => {
    let planted = '';
    const out = await openInNewSession('tm-rel-owned', (sessionDir) => {
      planted = sessionDir;
      asOtherUser('mkdir', '-m', '755', sessionDir);
    });
    try {
      expect(out).toMatch(/^TwinmapError PERMISSION: .*session\d+ belongs to uid \d+, neither this user/);
      expect(statSync(planted).mode & 0o777).toBe(0o755);
    } finally {
      rmSync(planted, { recursive: true, force: true });
    }
  });

  it('the mutex file itself a symlink: PERMISSION, the target keeps its bytes', () => {
    using keep = NamedMutex.openOrCreate(uniqueName('keep')); // keeps our session directory
    void keep;
    const name = uniqueName('filelink');
    const target = `/tmp/${name}-target`;
    writeFileSync(target, Buffer.alloc(100, 9), { mode: 0o644 });
    try {
      const path = sharedMemoryPath(parseName(name));
      asOtherUser('ln', '-s', target, path);
      expectCode(() => NamedMutex.openOrCreate(name), 'PERMISSION', /symbolic link/);
      expectCode(() => NamedMutex.open(name), 'PERMISSION', /symbolic link/);
      expect(readFileSync(target)).toEqual(Buffer.alloc(100, 9));
      expect(lstatSync(path).isSymbolicLink()).toBe(true);
      rmSync(path);
    } finally {
      rmSync(target, { force: true });
    }
  });

  it('a FIFO, a directory or a hard link at the mutex path: BadHeaderError at once', () => {
    using keep = NamedMutex.openOrCreate(uniqueName('keep2'));
    void keep;
    const fifo = uniqueName('fifo');
    asOtherUser('mkfifo', '-m', '666', sharedMemoryPath(parseName(fifo)));
    const dir = uniqueName('dir');
    asOtherUser('mkdir', sharedMemoryPath(parseName(dir)));
    const linked = uniqueName('hard');
    const other = `${scopeDirectory(parseName(linked))}/${linked}-other`;
    writeFileSync(other, Buffer.alloc(4096));
    execFileSync('ln', [other, sharedMemoryPath(parseName(linked))]);
    try {
      expect(() => NamedMutex.openOrCreate(fifo)).toThrow(BadHeaderError);
      expect(() => NamedMutex.openOrCreate(fifo)).toThrow(/is a FIFO, not a \.NET mutex file/);
      expect(() => NamedMutex.openOrCreate(dir)).toThrow(/is a directory, not a \.NET mutex file/);
      expect(() => NamedMutex.openOrCreate(linked)).toThrow(/2 hard links/);
    } finally {
      for (const n of [fifo, dir, linked]) rmSync(sharedMemoryPath(parseName(n)), { recursive: true, force: true });
      rmSync(other, { force: true });
    }
  });
});

describe('dropped handles and typed errors', () => {
  it('NamedMutex handles dropped without close() give back their fds and files when collected', () => {
    const prefix = uniqueName('drop');
    const r = runNode(`
      import * as lib from ${JSON.stringify(dist)};
      import { readdirSync, existsSync } from 'node:fs';
      const fds = () => readdirSync('/proc/self/fd').length;
      const before = fds();
      (() => { for (let i = 0; i < 300; i++) lib.NamedMutex.openOrCreate(${JSON.stringify(prefix)} + i); })();
      const opened = fds();
      for (let i = 0; i < 10 && fds() > before + 5; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); }
      console.log(JSON.stringify({ before, opened, after: fds() }));`, 30_000, ['--expose-gc']);
    expect(r.stderr).toBe('');
    const { before, opened, after } = JSON.parse(r.stdout) as { before: number; opened: number; after: number };
    expect(opened).toBeGreaterThanOrEqual(before + 300);
    expect(after).toBeLessThanOrEqual(before + 5);
  });

  it('misuse gives typed errors: create of an existing name, withLock(123), a non-boolean option, a BigInt name', () => {
    const name = uniqueName('typed');
    using m = NamedMutex.create(name);
    expect(() => NamedMutex.create(name)).toThrow(AlreadyExistsError);
    expectCode(() => m.withLock(123 as unknown as () => void), 'INVALID_ARGUMENT', /fn must be a function/);
    expectCode(() => NamedMutex.openOrCreate(name, { currentUserOnly: 'yes' as unknown as boolean }), 'INVALID_ARGUMENT', /currentUserOnly must be a boolean/);
    expect(() => NamedMutex.openOrCreate(1n as unknown as string)).toThrow(InvalidNameError);
    expect(existsSync(sharedMemoryPath(parseName(name)))).toBe(true);
  });
});
