// Shared by the reliability suite: a second, unprivileged local user to act as the attacker or
// the unlucky neighbour, and child Node processes for probes that may crash or hang.
import { execFileSync, spawnSync } from 'node:child_process';
import { uniqueName as makeName } from '../test-support/unique-name.js';

import { repoRoot } from '../test-support/repo-root.js';

export { repoRoot };
export const isRoot = process.getuid?.() === 0;

/** The other local user's name; created on first use (CI runs as root on a fresh machine). */
export const PROBE_USER = 'twinmap-probe';

export interface ProbeUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

let probeUser: ProbeUser | undefined;

/** The second user, created with `useradd --system` if it does not exist. Needs root. */
export function otherUser(): ProbeUser {
  if (probeUser !== undefined) return probeUser;
  if (spawnSync('id', ['-u', PROBE_USER]).status !== 0) {
    const r = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', PROBE_USER], { encoding: 'utf8' });
    // Another test file may have created it at the same moment: only a missing user is an error.
    if (r.status !== 0 && spawnSync('id', ['-u', PROBE_USER]).status !== 0) throw new Error(`useradd ${PROBE_USER} failed: ${r.stderr}`);
  }
  const uid = Number(execFileSync('id', ['-u', PROBE_USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', PROBE_USER], { encoding: 'utf8' }).trim());
  probeUser = { name: PROBE_USER, uid, gid };
  return probeUser;
}

/** Runs `command args...` as the other user (setpriv, no supplementary groups); throws on failure. */
export function asOtherUser(command: string, ...args: string[]): string {
  const u = otherUser();
  return execFileSync('setpriv', [`--reuid=${u.uid}`, `--regid=${u.gid}`, '--clear-groups', '--', command, ...args], { encoding: 'utf8' });
}

export interface ChildResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs an ES module script in a fresh Node process (cwd: the repo), with a hard time limit. */
export function runNode(script: string, timeoutMs = 30_000, nodeFlags: string[] = []): ChildResult {
  const r = spawnSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh name for this suite (ts/test-support/unique-name.ts). */
export function uniqueName(tag: string): string {
  return makeName('tm-rel', tag);
}
