// Shared by the mutex interop tests: unique names and a counter file both sides map.
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SharedMap } from '../ts/map/shared-map.js';
import { PeerProcess } from '../ts/test-support/peer-process.js';
import { uniqueName } from '../ts/test-support/unique-name.js';
import type { DotnetGeneration } from '../ts/mutex/generation.js';
import type { NamedMutex } from '../ts/mutex/named-mutex.js';
import { type Peer, repoRoot } from './peer.js';

/**
 * The dotnet option that meets the .NET the tests run (TWINMAP_DOTNET, scripts/runtimes.json):
 * 'net11' for .NET 11's default scope, else 'net10' (.NET 6-10, .NET 11 with the global switch).
 */
export const testDotnet: DotnetGeneration = /^1[1-9]$/.test(process.env['TWINMAP_DOTNET'] ?? '') ? 'net11' : 'net10';

/** A mutex name no other test run on this machine uses. */
export function uniqueMutexName(tag: string): string {
  return uniqueName('tm', tag);
}

/** A 4096-byte zeroed file mapped here with SharedMap.createFile; the Peer maps it with
 * MemoryMappedFile.CreateFromFile, as an unmodified .NET app on Linux would. */
export function counterFile(): { path: string; view: DataView; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'twinmap-mutex-'));
  const path = join(dir, 'counter');
  const map = SharedMap.createFile(path, 4096);
  return {
    path,
    view: map.view,
    [Symbol.dispose]() {
      map.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts fixtures/mutex-child.mjs: a Node process that locks `name` and reports JSON lines. */
export function startNodeChild(name: string, how: 'lock' | 'lockAsync', dotnet?: DotnetGeneration): PeerProcess {
  const script = join(repoRoot, 'interop-tests', 'fixtures', 'mutex-child.mjs');
  return new PeerProcess(process.execPath, [script, name, how, ...(dotnet ? [dotnet] : [])], { label: 'node child' });
}

/** Compiles ts/ to dist/ (what the Node child imports), as `npm ci` does. (The runtime matrix
 * builds it once for all its legs and sets TWINMAP_SKIP_DIST_BUILD=1.) */
export async function buildDist(): Promise<void> {
  if (process.env['TWINMAP_SKIP_DIST_BUILD'] === '1') return;
  await execa('npx', ['tsc', '-p', join(repoRoot, 'tsconfig.build.json')], { cwd: repoRoot });
}

/** Lets a `mutex-hold` Peer that has reported 'locked' release and close normally, and waits for
 * it to exit: a killed Peer leaves its file under /tmp/.dotnet/shm behind (.NET does not clean up
 * after SIGKILL), and tests must not litter the shared machine. */
export async function finishHold(peer: Peer, locked: boolean): Promise<void> {
  if (locked) {
    peer.send('release');
    await peer.next('released');
  } else {
    peer.send('continue'); // the step where it would have released
  }
  peer.send('close');
  await peer.next('closed');
  await peer.exited;
}

export interface CountOptions {
  /** Locked increments to make. */
  n: number;
  /** Who counts on the other side, for the error if it never starts. */
  other: string;
  /** Spins between the read and the write, so that without exclusion updates get lost. */
  workInside?: number;
  /** Every `turnEvery` increments, a short sleep outside the lock, as real code has, so the two
   * sides take turns (a futex waiter wakes slower than an unlocker can relock). */
  turnEvery: number;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Node's half of a counting race: started together with the other side (it sets @4, we set
 * @8), `n` locked increments of the counter @0; `interleaved` counts how often the other side
 * had moved the counter since our last write. */
export function nodeCount(mutex: NamedMutex, view: DataView, o: CountOptions): { abandoned: number; interleaved: number } {
  const deadline = Date.now() + 10_000;
  while (view.getInt32(4, true) !== 1) {
    if (Date.now() > deadline) throw new Error(`${o.other} did not start counting`);
  }
  view.setInt32(8, 1, true);
  let abandoned = 0;
  let interleaved = 0;
  let last = -1;
  for (let i = 0; i < o.n; i++) {
    if (mutex.lock() === 'abandoned') abandoned++;
    const v = view.getInt32(0, true);
    if (last >= 0 && v !== last) interleaved++;
    for (let k = 0; k < (o.workInside ?? 0); k++) Atomics.load(pause, 0);
    view.setInt32(0, v + 1, true);
    last = v + 1;
    mutex.unlock();
    if (i % o.turnEvery === o.turnEvery - 1) Atomics.wait(pause, 0, 0, 0.2);
  }
  return { abandoned, interleaved };
}
