#!/usr/bin/env node
// Publishes the .NET programs the interop tests start (the Peer and the BCL-only app) for each
// pinned runtime in scripts/runtimes.json, self-contained, with the runtime pack from NuGet:
//   node scripts/dotnet-runtimes.mjs [8 9 10 11 11-global ...]   (default: all)
// Output: build-runtimes/<id>/<peer|bclapp>/, reused while the .NET sources and pins are unchanged.
// Publishes run from a copy of dotnet/ without obj/ and lock files: a RID-specific restore
// rewrites both, and the checkout's lock files must keep matching `restore --locked-mode`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const pins = JSON.parse(readFileSync(join(repoRoot, 'scripts', 'runtimes.json'), 'utf8'));
export const outRoot = join(repoRoot, 'build-runtimes');
export const apps = {
  peer: { project: 'dotnet/Twinmap.Peer/Twinmap.Peer.csproj', exe: 'Twinmap.Peer', sources: ['dotnet/Twinmap.Peer', 'dotnet/Twinmap', 'examples/dotnet'] },
  bclapp: { project: 'dotnet/Twinmap.BclApp/Twinmap.BclApp.csproj', exe: 'Twinmap.BclApp', sources: ['dotnet/Twinmap.BclApp'] },
};
/** The folders of .NET projects (the Peer references the examples' generated codecs). */
const dotnetDirs = ['dotnet', 'examples/dotnet'];

/** The published executable of `app` for runtime `id` (what peer.ts starts). */
export function publishedExe(id, app) {
  return join(outRoot, id, app, apps[app].exe);
}

function sourceFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'bin' && e.name !== 'obj') out.push(...sourceFiles(p));
    } else if (/\.(cs|csproj|props|targets|slnx)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** A hash of what a build depends on: the .NET sources (of `projects`, default all),
 * the shared build settings, global.json, package.json and the pins. */
export function sourceHash(projects) {
  const h = createHash('sha256');
  const dotnet = join(repoRoot, 'dotnet');
  const files = projects
    ? [...projects.flatMap((p) => sourceFiles(join(repoRoot, p))), ...readdirSync(dotnet).filter((f) => /\.(props|targets)$/.test(f)).map((f) => join(dotnet, f))]
    : dotnetDirs.flatMap((d) => sourceFiles(join(repoRoot, d)));
  for (const f of [...files, ...['global.json', 'package.json', 'scripts/runtimes.json'].map((f) => join(repoRoot, f))]) {
    h.update(relative(repoRoot, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

function copySources(hash = sourceHash()) {
  const src = join(outRoot, 'src');
  if (existsSync(join(src, '.source-hash')) && readFileSync(join(src, '.source-hash'), 'utf8') === hash) return src;
  rmSync(src, { recursive: true, force: true });
  for (const dir of dotnetDirs) {
    cpSync(join(repoRoot, dir), join(src, dir), { recursive: true, filter: (p) => !/[/\\](bin|obj)$/.test(p) && !p.endsWith('packages.lock.json') });
  }
  cpSync(join(repoRoot, 'global.json'), join(src, 'global.json'));
  writeFileSync(join(src, '.source-hash'), hash);
  return src;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
}

/** Publishes `app` for runtime `id` unless an up-to-date publish is there; returns its folder. */
export function publish(id, app) {
  const hash = sourceHash(apps[app].sources);
  const pin = pins.dotnet[id];
  if (!pin) throw new Error(`unknown .NET runtime '${id}' (known: ${Object.keys(pins.dotnet).join(', ')})`);
  const out = join(outRoot, id, app);
  const stamp = join(out, '.source-hash');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return out;
  rmSync(out, { recursive: true, force: true });
  const started = Date.now();
  if (pin.configProperties) {
    // The same runtime with a runtimeconfig switch: the base publish, with its runtimeconfig.json
    // amended as an app's <RuntimeHostConfigurationOption> items would.
    const base = publish(Object.keys(pins.dotnet).find((k) => !pins.dotnet[k].configProperties && pins.dotnet[k].runtime === pin.runtime), app);
    cpSync(base, out, { recursive: true });
    const cfgPath = join(out, `${apps[app].exe}.runtimeconfig.json`);
    const cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
    cfg.runtimeOptions.configProperties = { ...cfg.runtimeOptions.configProperties, ...pin.configProperties };
    unlinkSync(cfgPath);
    writeFileSync(cfgPath, `${JSON.stringify(cfg, null, 2)}\n`);
  } else {
    const src = copySources();
    run('dotnet', [
      'publish', join(src, apps[app].project), '-c', 'Release', `-p:AppTargetFramework=${pin.tfm}`, '-r', 'linux-x64', '--self-contained',
      `-p:RuntimeFrameworkVersion=${pin.runtime}`, '-p:RestorePackagesWithLockFile=false', '-o', out, '--nologo', '-v', 'q',
    ]);
  }
  writeFileSync(stamp, hash);
  console.log(`published ${app} for .NET ${id} (${pin.runtime}) in ${((Date.now() - started) / 1000).toFixed(0)} s: ${relative(repoRoot, out)}`);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ids = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const only = process.argv.find((a) => a.startsWith('--apps='))?.slice(7).split(',') ?? Object.keys(apps);
  for (const id of ids.length ? ids : Object.keys(pins.dotnet)) for (const app of only) publish(id, app);
}
