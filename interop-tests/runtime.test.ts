// The runtimes that ran are the ones the run names: TWINMAP_DOTNET (scripts/runtimes.json; unset:
// the installed .NET 10) for both .NET programs the tests start, TWINMAP_NODE for Node itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Peer, dotnetRuntime, repoRoot, type DotnetApp } from './peer.js';

const scopeSwitch = 'System.Threading.Mutex.UnsafeDefaultMutexScopeGlobal';
const expected = dotnetRuntime
  ? { framework: `.NET ${dotnetRuntime.pin.runtime}`, globalScope: (dotnetRuntime.pin.configProperties?.[scopeSwitch] as boolean | undefined) ?? null }
  : { framework: /^\.NET 10\.0\.\d+$/, globalScope: null };

describe(`the runtime under test is ${dotnetRuntime ? `.NET ${dotnetRuntime.id}` : 'the installed .NET 10'}`, () => {
  for (const [app, command, event] of [
    ['peer', 'ping', 'ready'],
    ['bclapp', 'runtime', 'runtime'],
  ] as Array<[DotnetApp, string, string]>) {
    it(`${app} reports RuntimeInformation.FrameworkDescription ${String(expected.framework)}`, async () => {
      const events = await Peer.run(command, {}, { app });
      const e = events.find((x) => x.event === event);
      expect(e, JSON.stringify(events)).toBeDefined();
      if (typeof expected.framework === 'string') expect(e!['framework']).toBe(expected.framework);
      else expect(String(e!['framework'])).toMatch(expected.framework);
      expect(e!['globalScope']).toBe(expected.globalScope);
    });
  }

  it(`Node is ${process.env['TWINMAP_NODE'] ? `the pinned Node ${process.env['TWINMAP_NODE']}` : 'the one on PATH'}`, () => {
    const id = process.env['TWINMAP_NODE'];
    if (!id) {
      expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(20);
      return;
    }
    const pins = JSON.parse(readFileSync(join(repoRoot, 'scripts', 'runtimes.json'), 'utf8')) as { node: Record<string, { version: string }> };
    expect(pins.node[id], `TWINMAP_NODE=${id} is not in scripts/runtimes.json`).toBeDefined();
    expect(process.version).toBe(`v${pins.node[id]!.version}`);
  });
});
