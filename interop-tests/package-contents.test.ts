// What the two packages ship, listed the way a registry would see them: `npm pack --dry-run
// --json` of this repository and the entries of the .nupkg `dotnet pack` makes. The packages carry
// the library only: no demo, sample records, generator fixtures, fuzz runner, bench or tests, and
// no shipped JS that imports a devDependency or a file outside the package.
import { execa } from 'execa';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './peer.js';
import { zipEntries, zipEntry } from './support/zip-entries.js';

const work = mkdtempSync(join(tmpdir(), 'twinmap-contents-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Paths a package must never contain (checked against every shipped path). */
const forbidden: Array<[RegExp, string]> = [
  [/(^|\/)demo(\/|$)/, 'the demo belongs to examples/'],
  [/(^|\/)examples(\/|$)/, 'examples are not the library'],
  [/(^|\/)fixtures(\/|$)/, 'generator test fixtures'],
  [/(^|\/)fuzz[^/]*$|(^|\/)tools(\/|$)/, 'repository tools (the fuzz runner)'],
  [/(^|\/)(bench|interop-tests|win32-tests|test-support|scripts)(\/|$)/, 'bench, tests and their support'],
  [/\.test\.|(^|\/)[^/]*Tests?\.(dll|pdb)$/i, 'tests'],
  [/(^|\/)(test_data|image_data|my_data_structure|hiking_database)\.|(^|\/)(TestData|ImageData|MyDataStructure|HikingDatabase)\./, 'sample records'],
];

function offences(paths: string[]): string[] {
  return paths.flatMap((p) => forbidden.filter(([re]) => re.test(p)).map(([, why]) => `${p}: ${why}`));
}

describe('the npm package (npm pack --dry-run --json)', () => {
  let files: string[] = [];
  beforeAll(async () => {
    // `prepare` is what `npm pack` runs: a clean dist/ts, so nothing stale is listed.
    await execa('npm', ['run', 'prepare'], { cwd: repoRoot });
    const r = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot });
    files = (JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path).sort();
  }, 300_000);

  it('holds the library, its addon sources and specs, and nothing that should not be there', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'CMakeLists.txt', 'dist/ts/index.js', 'dist/ts/index.d.ts', 'dist/ts/cli.js', 'native/common/addon.cc']));
    expect(offences(files)).toEqual([]);
    // Every shipped path is under a folder the package is meant to have.
    const allowed = /^(package\.json|README\.md|CMakeLists\.txt|dist\/ts\/.+\.(js|d\.ts|js\.map|d\.ts\.map)|ts\/gen\/runtime\/[^/]+|native\/(common|linux|win32)\/[^/]+\.(cc|h)|formats\/[^/]+\.ksy)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
  });

  it('ships no JS that imports a devDependency or reaches outside the package', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const dev = Object.keys(pkg.devDependencies);
    const bad: string[] = [];
    for (const f of files.filter((p) => p.endsWith('.js'))) {
      const text = readFileSync(join(repoRoot, f), 'utf8');
      for (const m of text.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) {
          // A relative import must stay inside dist/ts (the shipped tree).
          const target = join(f, '..', spec);
          if (!target.startsWith('dist/ts/')) bad.push(`${f}: imports ${spec} (outside the package)`);
        } else if (dev.some((d) => spec === d || spec.startsWith(`${d}/`))) {
          bad.push(`${f}: imports ${spec} (a devDependency)`);
        }
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('the NuGet package (dotnet pack)', () => {
  let entries: string[] = [];
  beforeAll(async () => {
    await execa('dotnet', ['pack', join(repoRoot, 'dotnet', 'Twinmap', 'Twinmap.csproj'), '-c', 'Release', '-o', work, '--nologo', '-v', 'q'], {
      env: { DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
    });
    const nupkg = readdirSync(work).find((f) => f.endsWith('.nupkg'));
    expect(nupkg, readdirSync(work).join(', ')).toBeDefined();
    entries = zipEntries(join(work, nupkg!)).sort();
  }, 300_000);

  it('holds the library, its XML docs and a short README, and nothing else', () => {
    expect(entries).toEqual(expect.arrayContaining(['lib/net10.0/Twinmap.dll', 'lib/net10.0/Twinmap.xml', 'README.md', 'Twinmap.nuspec']));
    expect(offences(entries)).toEqual([]);
    const packaging = /^(_rels\/\.rels|\[Content_Types\]\.xml|package\/services\/metadata\/core-properties\/[^/]+\.psmdcp|Twinmap\.nuspec|README\.md|lib\/net\d+\.\d+\/Twinmap\.(dll|xml))$/;
    expect(entries.filter((e) => !packaging.test(e))).toEqual([]);
  });

  it("the package's README is the short one written for NuGet (dotnet/Twinmap/README.md)", () => {
    const readme = zipEntry(join(work, readdirSync(work).find((f) => f.endsWith('.nupkg'))!), 'README.md')?.toString('utf8');
    expect(readme).toBe(readFileSync(join(repoRoot, 'dotnet', 'Twinmap', 'README.md'), 'utf8'));
    expect(readme!.split('\n').length).toBeLessThan(60);
  });
});
