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
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
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

mkdirSync(out, { recursive: true });
const importLib = join(out, 'libnode_api.a');
run(dlltool, ['-d', join(headers, 'def', 'node_api.def'), '-l', importLib, '-D', 'node.exe']);
run(cxx, [
  '-std=c++17', '-O2', '-Wall', '-Wextra', '-shared',
  '-o', join(out, 'twinmap.node'),
  ...sources,
  // Must match CMakeLists.txt. BUILDING_NODE_EXTENSION makes NAPI_EXTERN dllimport.
  '-DBUILDING_NODE_EXTENSION', '-DNAPI_VERSION=8', '-DNODE_ADDON_API_DISABLE_CPP_EXCEPTIONS',
  '-DUNICODE', '-D_UNICODE', '-DWIN32_LEAN_AND_MEAN', '-DNOMINMAX',
  '-I', 'native', '-I', join(headers, 'include'), '-I', addonApi,
  '-L', out, '-lnode_api',
  // Static: libstdc++, libgcc and winpthread go inside, so the .node needs only
  // KERNEL32, msvcrt and node.exe at load time.
  '-static', '-Wl,--no-undefined',
]);
console.log(`build:win32: ${relative(root, join(out, 'twinmap.node'))} (${sources.length} sources)`);
