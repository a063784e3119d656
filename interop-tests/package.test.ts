// The shipped artifacts, as a user gets them: `npm pack` of this repository installed into a
// fresh Node project (its install script builds the addon there, with no download), and
// `dotnet pack` of dotnet/Twinmap referenced by a fresh .NET 10 app from a local folder feed.
// The two apps then talk over a channel, with a record type the user generated from a .ksy spec
// by the installed `twinmap gen` (TS compiled by the user's tsc, C# by their build).
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDist } from './mutex-helpers.js';
import { repoRoot } from './peer.js';
import { uniqueName } from '../ts/test-support/unique-name.js';

const work = mkdtempSync(join(tmpdir(), 'twinmap-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const nodeApp = `
import { Channel } from 'twinmap';
import { TestData } from './formats/test_data.js';
const name = process.argv[2];
const channel = Channel.create(name, { capacity: 65536 });
console.log(JSON.stringify({ event: 'ready' }));
try {
  const bytes = channel.receive(120_000);
  if (bytes === undefined) throw new Error('nothing received');
  console.log(JSON.stringify({ event: 'received', record: TestData.decode(bytes) }));
} finally {
  channel.close();
  Channel.unlink(name);
}
`;

const dotnetApp = `
using Twinmap;

using var channel = Channel.Open(args[0]);
var record = new App.Formats.TestData { Id = 7, Age = 42 };
for (int i = 0; i < 10; i++) record.Scores[i] = i * i;
channel.Send(record.Encode(), 30_000);
Console.WriteLine("sent");
`;

describe('the packages a user installs (npm pack, dotnet pack)', () => {
  it('a fresh Node project and a fresh .NET app, each from the packed artifacts, exchange a generated record over a channel', async () => {
    // Node: pack (dist as the source says), install into an empty project, generate C# there.
    await buildDist();
    await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: repoRoot });
    const tgz = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
    const node = join(work, 'node-app');
    mkdirSync(node);
    writeFileSync(join(node, 'package.json'), JSON.stringify({ name: 'node-app', private: true, type: 'module' }));
    writeFileSync(join(node, 'main.js'), nodeApp);
    await execa('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tgz], { cwd: node });
    const dotnet = join(work, 'dotnet-app');
    await execa('npx', ['twinmap', 'gen', join(repoRoot, 'examples', 'formats', 'test_data.ksy'), '--ts', join(node, 'formats'), '--cs', join(dotnet, 'Generated'), '--namespace', 'App.Formats'], { cwd: node });
    const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
    const generatedTs = readdirSync(join(node, 'formats')).map((f) => join(node, 'formats', f));
    await execa(tsc, ['--module', 'nodenext', '--target', 'es2022', '--strict', '--skipLibCheck', ...generatedTs], { cwd: node });

    // .NET: pack the library, build an app that references it from a local feed only.
    const feed = join(work, 'feed');
    await execa('dotnet', ['pack', join(repoRoot, 'dotnet', 'Twinmap', 'Twinmap.csproj'), '-c', 'Release', '-o', feed, '--nologo', '-v', 'q']);
    // One package, both builds: net8.0 (.NET 8 and 9 apps) and net10.0 (the NamedWaitHandleOptions overloads).
    const nupkg = readFileSync(join(feed, readdirSync(feed).find((f) => f.endsWith('.nupkg'))!));
    for (const tfm of ['net8.0', 'net10.0']) expect(nupkg.includes(`lib/${tfm}/Twinmap.dll`), `lib/${tfm}/Twinmap.dll in the package`).toBe(true);
    writeFileSync(
      join(dotnet, 'App.csproj'),
      `<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup><PackageReference Include="Twinmap" Version="0.1.0" /></ItemGroup>
</Project>`,
    );
    writeFileSync(
      join(dotnet, 'nuget.config'),
      `<configuration><packageSources><clear /><add key="local" value="${feed}" /></packageSources></configuration>`,
    );
    writeFileSync(join(dotnet, 'Program.cs'), dotnetApp);
    // A private package cache, so an older Twinmap 0.1.0 cached by an earlier run is never used.
    const env = { NUGET_PACKAGES: join(work, 'nuget-packages'), DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' };
    await execa('dotnet', ['build', '-c', 'Release', '--nologo', '-v', 'q'], { cwd: dotnet, env });

    // Run them: Node reads, .NET writes.
    const name = uniqueName('twinmap-package');
    const reader = execa('node', ['main.js', name], { cwd: node, buffer: true, reject: false });
    let out = '';
    reader.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    while (!out.includes('"ready"')) {
      if (reader.exitCode !== null) throw new Error(`node app exited early: ${(await reader).stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const sender = await execa('dotnet', [join(dotnet, 'bin', 'Release', 'net10.0', 'App.dll'), name], { env });
    expect(sender.stdout.trim()).toBe('sent');
    const done = await reader;
    expect(done.exitCode, done.stderr).toBe(0);
    const received = done.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { event: string; record?: unknown })
      .find((e) => e.event === 'received');
    expect(received?.record).toEqual({ id: 7, age: 42, scores: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81] });
  }, 600_000);
});
