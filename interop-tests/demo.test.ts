// `npm run demo` end to end, as a first-time user runs it: the compiled dist/ demo with the
// .NET 10 Peer. It must succeed, say what each side saw, and leave nothing behind.
import { execa } from 'execa';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './peer.js';

beforeAll(() => execa('npx', ['tsc', '-p', join(repoRoot, 'examples', 'tsconfig.json')], { cwd: repoRoot }), 180_000);

function leftovers(pid: number): string[] {
  const found = readdirSync('/dev/shm').filter((f) => f.startsWith(`twinmap-demo-${pid}-`));
  const dotnetShm = '/tmp/.dotnet/shm';
  if (existsSync(dotnetShm)) {
    for (const session of readdirSync(dotnetShm)) {
      const dir = join(dotnetShm, session);
      try {
        found.push(...readdirSync(dir).filter((f) => f.startsWith(`twinmap-demo-${pid}-`)).map((f) => join(dir, f)));
      } catch {
        // not a directory, or gone meanwhile
      }
    }
  }
  return found;
}

describe('npm run demo (.NET 10)', () => {
  it('shares TestData both ways under a named mutex and counts exactly, then cleans up', async () => {
    const demo = execa('node', [join(repoRoot, 'dist', 'examples', 'demo', 'main.js')], { reject: false, cwd: repoRoot });
    const pid = demo.pid!;
    const r = await demo;
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('.NET │   Id=100,Age=20,Scores=60,61,62,63,64,65,66,67,68,69');
    expect(r.stdout).toContain('Node │   Id=100,Age=20,Scores=60,61,62,63,64,65,66,67,68,69');
    expect(r.stdout).toContain('.NET │   Id=100,Age=21,Scores=65,66,67,68,69,70,71,72,73,74');
    expect(r.stdout).toContain('✓ both sides see the same record');
    expect(r.stdout).toContain('counter = 20,000 (expected 20,000) ✓');
    expect(leftovers(pid)).toEqual([]);
  });
});
