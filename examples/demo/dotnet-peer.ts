// Starts the .NET side of the demo (dotnet/Twinmap.Peer) and reads its JSON-line events.
// Builds the Peer first when it is missing or older than its sources: `npm install` builds the
// addon and the TS library, not .NET.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('twinmap demo: cannot find the package root');
    dir = up;
  }
  return dir;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'bin' || entry.name === 'obj') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(cs|csproj|props)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The Peer's dll, built if needed. Throws a message a first-time user can act on. */
export function ensurePeer(log: (line: string) => void): string {
  const root = packageRoot();
  const dotnetDir = join(root, 'dotnet');
  const dll = join(dotnetDir, 'Twinmap.Peer', 'bin', 'Release', 'net10.0', 'Twinmap.Peer.dll');
  const stale = !existsSync(dll) || statSync(dll).mtimeMs < Math.max(newestSource(join(dotnetDir, 'Twinmap.Peer')), newestSource(join(dotnetDir, 'Twinmap')), newestSource(join(root, 'examples', 'dotnet')));
  if (!stale) return dll;
  log('Building the .NET side (dotnet/Twinmap.Peer) first; this takes a moment the first time...');
  const r = spawnSync('dotnet', ['build', join(dotnetDir, 'Twinmap.Peer'), '-c', 'Release', '--nologo', '-v', 'q', '-clp:NoSummary'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
  });
  if (r.error !== undefined) {
    throw new Error(`cannot run \`dotnet\` (${r.error.message}): the demo needs the .NET 10 SDK (https://dot.net)`);
  }
  if (r.status !== 0 || !existsSync(dll)) throw new Error('`dotnet build dotnet/Twinmap.Peer` failed (see above)');
  return dll;
}

export interface PeerEvent {
  event: string;
  [field: string]: unknown;
}

/** A running Peer: `next(event)` waits for an event line, `send()` steps it. */
export class DotnetPeer {
  private readonly events: PeerEvent[] = [];
  private readonly stderr: string[] = [];
  private wake: (() => void) | undefined;
  private exitCode: number | null | undefined;
  private readonly child: ChildProcess;

  constructor(dll: string, command: string, args: Record<string, string | number>) {
    const argv = [dll, command, ...Object.entries(args).map(([k, v]) => `${k}=${v}`)];
    this.child = spawn('dotnet', argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as PeerEvent);
      } catch {
        this.events.push({ event: 'stdout', line });
      }
      this.wake?.();
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.stderr.push(line));
    this.child.on('exit', (code) => {
      this.exitCode = code;
      this.wake?.();
    });
    this.child.on('error', (e) => {
      this.stderr.push(String(e));
      this.exitCode = -1;
      this.wake?.();
    });
  }

  async next(name: string, timeoutMs = 60_000): Promise<PeerEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.events.findIndex((e) => e.event === name || e.event === 'error');
      if (i >= 0) {
        const e = this.events.splice(i, 1)[0]!;
        if (e.event === 'error') throw new Error(`the .NET side failed: ${String(e['type'])}: ${String(e['message'])}`);
        return e;
      }
      if (this.exitCode !== undefined) throw new Error(`the .NET side exited (code ${this.exitCode}) before "${name}": ${this.stderr.join('\n')}`);
      if (Date.now() >= deadline) throw new Error(`the .NET side did not report "${name}" within ${timeoutMs / 1000} s`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  send(line = 'go'): void {
    this.child.stdin!.write(`${line}\n`);
  }

  async exit(): Promise<number | null> {
    this.child.stdin!.end();
    if (this.exitCode === undefined) await new Promise((resolve) => this.child.once('exit', resolve));
    return this.exitCode ?? null;
  }

  /** Kills the Peer and waits until it is gone (so its hold on the mutex file is released). */
  async kill(): Promise<void> {
    if (this.exitCode !== undefined) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await gone;
  }
}
