// The `twinmap` command's own behaviour: help and usage errors (each verb's work is tested with its concept).
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './test-support/repo-root.js';

const cli = join(repoRoot, 'dist', 'ts', 'cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

describe('twinmap --help', () => {
  it('lists every command with its usage and exits 0', () => {
    const out = execFileSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    for (const verb of ['gen', 'inspect', 'nrbf']) expect(out).toContain(`twinmap ${verb} `);
  });

  it.each(['gen', 'inspect', 'nrbf'])('%s --help prints that command\'s usage and exits 0', (verb) => {
    const r = run(verb, '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`usage: twinmap ${verb} `);
    expect(r.stderr).toBe('');
  });

  it('an unknown option is a usage error (exit 2) that names the option', () => {
    const r = run('gen', '--frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("'--frobnicate'");
    expect(r.stderr).toContain('usage: twinmap gen ');
  });

  it('an unknown command is a usage error (exit 2)', () => {
    const r = run('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });
});
