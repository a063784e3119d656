#!/usr/bin/env node
// Runs the C# unit tests (dotnet/Twinmap.Tests) on another .NET runtime than the installed one:
//   node scripts/dotnet-unit-tests.mjs <tfm> <runtime>      e.g. net8.0 8.0.31, net10.0 11.0.0
// A self-contained test run with the runtime pack from NuGet (-p:RuntimeFrameworkVersion), so only
// the .NET 10 SDK is needed. The library's net8.0 build is what a net8.0 test build uses; .NET 11
// runs the net10.0 build. The tests fail if the runtime that ran is not <runtime>
// (TWINMAP_EXPECT_DOTNET, NamedMutexRuntimeTests). Extra arguments go to `dotnet test`.
// It runs from a copy of dotnet/ and examples/dotnet/ without obj/ and lock files (build-runtimes/unit-<tfm>-<runtime>/):
// a RID-specific restore rewrites both, and the checkout's lock files must keep matching
// `dotnet restore --locked-mode`.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [tfm, runtime, ...extra] = process.argv.slice(2);
if (!tfm || !runtime || !/^net\d+\.\d+$/.test(tfm) || !/^\d+\.\d+\.\d+$/.test(runtime)) {
  console.error('usage: node scripts/dotnet-unit-tests.mjs <tfm> <runtime> [dotnet test args]   e.g. net8.0 8.0.31');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, 'build-runtimes', `unit-${tfm}-${runtime}`);
// examples/dotnet too: the tests reference the examples' generated codecs.
for (const dir of ['dotnet', join('examples', 'dotnet')]) {
  rmSync(join(work, dir), { recursive: true, force: true });
  cpSync(join(root, dir), join(work, dir), {
    recursive: true,
    filter: (p) => !/[/\\](bin|obj)$/.test(p) && !p.endsWith('packages.lock.json'),
  });
}
for (const f of ['global.json', 'package.json']) cpSync(join(root, f), join(work, f)); // package.json: the version test
const started = Date.now();
const r = spawnSync(
  'dotnet',
  [
    'test', join(work, 'dotnet', 'Twinmap.Tests', 'Twinmap.Tests.csproj'), '-c', 'Release', '-r', 'linux-x64', '-p:SelfContained=true',
    `-p:AppTargetFramework=${tfm}`, `-p:RuntimeFrameworkVersion=${runtime}`, '-p:RestorePackagesWithLockFile=false', '--nologo', ...extra,
  ],
  { stdio: 'inherit', env: { ...process.env, TWINMAP_EXPECT_DOTNET: runtime, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' } },
);
console.log(`C# unit tests on .NET ${runtime} (${tfm}): ${r.status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(r.status ?? 1);
