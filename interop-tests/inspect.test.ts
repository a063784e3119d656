// `twinmap inspect` on a mutex an unmodified .NET 10 program holds (net10 layout): who holds it,
// and what is left after that program is killed. Through the CLI, as a user or a CI job runs it.
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Inspection } from '../ts/inspect/inspect.js';
import { NamedMutex } from '../ts/mutex/named-mutex.js';
import { buildDist, uniqueMutexName } from './mutex-helpers.js';
import { Peer, repoRoot } from './peer.js';

async function inspectCli(name: string): Promise<Inspection> {
  const r = await execa(process.execPath, [join(repoRoot, 'dist', 'ts', 'cli.js'), 'inspect', name, '--json'], { reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Inspection;
}

describe('twinmap inspect with .NET 10 (net10 layout)', () => {
  it('names the .NET process and thread that hold a mutex, then shows it stale once that process is killed', async () => {
    await buildDist();
    const name = uniqueMutexName('inspect');
    const peer = Peer.start('mutex-hold', { name });
    const opened = await peer.next('opened');
    await peer.next('locked');
    const held = await inspectCli(name);
    expect(held.mutexes).toHaveLength(1);
    expect(held.mutexes[0]).toMatchObject({ inUse: true, abandoned: false, owner: { pid: opened['pid'], tid: opened['tid'], alive: true } });

    peer.kill('SIGKILL');
    await peer.exited;
    const after = await inspectCli(name);
    expect(after.mutexes[0]).toMatchObject({ inUse: false, owner: { pid: opened['pid'], alive: false } });
    expect(after.mutexes[0]?.problems.join('\n')).toMatch(/owner pid \d+ is gone[^]*stale/);

    // What the report predicts: the next user gets a fresh mutex and the file is gone after it.
    using mutex = NamedMutex.openOrCreate(name);
    expect(mutex.createdNew).toBe(true);
    mutex.close();
    const r = await execa(process.execPath, [join(repoRoot, 'dist', 'ts', 'cli.js'), 'inspect', name], { reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('nothing by this name');
  });
});
