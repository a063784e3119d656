#!/usr/bin/env node
// `npm run build:win32`: cross-compiles the addon for Windows x64 on Linux with mingw-w64.
//
// cmake-js/node-gyp cannot target mingw from Linux, so this lists the same sources that
// CMakeLists.txt globs for WIN32 (native/common/*.cc + native/win32/*.cc) and calls the
// compiler directly. Nothing is downloaded: Node-API's import library is made from the
// `.def` file shipped by the node-api-headers package (node.exe exports those symbols).
//
// Needs the Debian package g++-mingw-w64-x86-64-posix (the posix thread model:
// node-addon-api uses std::mutex, which the win32 model lacks). Output:
// build-win32/twinmap.node, which ts/native.ts loads on Windows when build/Release has none.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build-win32');
const cxx = process.env['MINGW_CXX'] ?? 'x86_64-w64-mingw32-g++-posix';
const dlltool = process.env['MINGW_DLLTOOL'] ?? 'x86_64-w64-mingw32-dlltool';
const require = createRequire(import.meta.url);
const headers = dirname(require.resolve('node-api-headers/package.json'));
const addonApi = dirname(require.resolve('node-addon-api/package.json'));

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (r.error?.code === 'ENOENT') {
    console.error(`build:win32: ${cmd} not found. Install it with: apt-get install --no-install-recommends g++-mingw-w64-x86-64-posix`);
    process.exit(127);
  }
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const sources = ['native/common', 'native/win32'].flatMap((d) =>
  readdirSync(join(root, d))
    .filter((f) => f.endsWith('.cc'))
    .sort()
    .map((f) => `${d}/${f}`),
);

const defines = [
  // Must match CMakeLists.txt. BUILDING_NODE_EXTENSION makes NAPI_EXTERN dllimport.
  '-DBUILDING_NODE_EXTENSION', '-DNAPI_VERSION=8', '-DNODE_ADDON_API_DISABLE_CPP_EXCEPTIONS',
  '-DUNICODE', '-D_UNICODE', '-DWIN32_LEAN_AND_MEAN', '-DNOMINMAX',
];
const includes = ['-I', 'native', '-I', join(headers, 'include'), '-I', addonApi];

// One object per source, compiled in parallel; an object is reused while it is newer than
// its source and every header under native/.
mkdirSync(join(out, 'obj'), { recursive: true });
const mtime = (f) => (existsSync(f) ? statSync(f).mtimeMs : 0);
const newestHeader = Math.max(
  0,
  ...['native/common', 'native/win32'].flatMap((d) =>
    readdirSync(join(root, d)).filter((f) => f.endsWith('.h')).map((f) => mtime(join(root, d, f))),
  ),
);
const objects = sources.map((src) => join(out, 'obj', src.replaceAll('/', '_').replace(/\.cc$/, '.o')));
const stale = sources.map((src, i) => [src, objects[i]]).filter(([src, obj]) => mtime(obj) < Math.max(mtime(join(root, src)), newestHeader));

function compile([src, obj]) {
  return new Promise((resolve, reject) => {
    const child = spawn(cxx, ['-std=c++17', '-O2', '-Wall', '-Wextra', '-c', '-o', obj, src, ...defines, ...includes], {
      stdio: 'inherit',
      cwd: root,
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${src}: ${cxx} exited with ${code}`))));
  });
}

const queue = [...stale];
const jobs = Array.from({ length: Math.min(availableParallelism(), queue.length) }, async () => {
  while (queue.length > 0) await compile(queue.shift());
});
try {
  await Promise.all(jobs);
} catch (e) {
  if (e.code === 'ENOENT') {
    console.error(`build:win32: ${cxx} not found. Install it with: apt-get install --no-install-recommends g++-mingw-w64-x86-64-posix`);
    process.exit(127);
  }
  console.error(`build:win32: ${e.message}`);
  process.exit(1);
}

const importLib = join(out, 'libnode_api.a');
run(dlltool, ['-d', join(headers, 'def', 'node_api.def'), '-l', importLib, '-D', 'node.exe']);
run(cxx, [
  '-shared', '-o', join(out, 'twinmap.node'), ...objects,
  '-L', out, '-lnode_api',
  // Static: libstdc++, libgcc and winpthread go inside, so the .node needs only
  // KERNEL32, msvcrt and node.exe at load time.
  '-static', '-Wl,--no-undefined',
]);
console.log(`build:win32: ${relative(root, join(out, 'twinmap.node'))} (${sources.length} sources, ${stale.length} compiled)`);
