// Starts the .NET Peer (dotnet/Twinmap.Peer) or the BCL-only app (dotnet/Twinmap.BclApp) as a
// separate process and talks to it in JSON lines: it reports events on stdout, and reads a line on
// stdin where a test steps it.
// Which .NET runs them: by default the installed runtime (`dotnet <app>.dll`, the Release build);
// with TWINMAP_DOTNET=<id> (8, 9, 10, 11, 11-global: scripts/runtimes.json) the self-contained
// publish in build-runtimes/<id>/ that `node scripts/dotnet-runtimes.mjs <id>` makes.
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

import { repoRoot } from '../ts/test-support/repo-root.js';

export { repoRoot };
export const peerDll = join(repoRoot, 'dotnet', 'Twinmap.Peer', 'bin', 'Release', 'net10.0', 'Twinmap.Peer.dll');

/** The programs a test can start. */
export type DotnetApp = 'peer' | 'bclapp';
const appNames: Record<DotnetApp, string> = { peer: 'Twinmap.Peer', bclapp: 'Twinmap.BclApp' };

export interface RuntimePin {
  tfm: string;
  runtime: string;
  configProperties?: Record<string, unknown>;
}

/** The runtime TWINMAP_DOTNET names (undefined: the installed one), with its pin. */
export const dotnetRuntime: { id: string; pin: RuntimePin } | undefined = (() => {
  const id = process.env['TWINMAP_DOTNET'];
  if (!id) return undefined;
  const pins = JSON.parse(readFileSync(join(repoRoot, 'scripts', 'runtimes.json'), 'utf8')) as { dotnet: Record<string, RuntimePin> };
  const pin = pins.dotnet[id];
  if (!pin) throw new Error(`TWINMAP_DOTNET=${id}: not a runtime in scripts/runtimes.json (${Object.keys(pins.dotnet).join(', ')})`);
  return { id, pin };
})();

/** How to start `app`: the published executable for TWINMAP_DOTNET, or `dotnet <app>.dll`. */
export function dotnetCommand(app: DotnetApp): { file: string; args: string[] } {
  const name = appNames[app];
  if (dotnetRuntime) {
    const exe = join(repoRoot, 'build-runtimes', dotnetRuntime.id, app, name);
    if (!existsSync(exe)) throw new Error(`${exe} is missing: run \`node scripts/dotnet-runtimes.mjs ${dotnetRuntime.id}\``);
    return { file: exe, args: [] };
  }
  return { file: 'dotnet', args: [join(repoRoot, 'dotnet', name, 'bin', 'Release', 'net10.0', `${name}.dll`)] };
}

export interface PeerEvent {
  event: string;
  [field: string]: unknown;
}

export interface StartOptions {
  /** Run the Peer in a new session (`setsid`), as a service started elsewhere would be. */
  setsid?: boolean;
  env?: Record<string, string>;
  /** Which program (default: the Peer). */
  app?: DotnetApp;
  /** Another JSON-lines .NET program than the Peer (e.g. the NRBF test program). */
  dll?: string;
}

export type PeerArgValue = string | number | bigint | boolean;

function spawn(file: string, args: string[], env: Record<string, string>) {
  return execa(file, args, { reject: false, stdin: 'pipe', buffer: false, env: { DOTNET_CLI_TELEMETRY_OPTOUT: '1', ...env } });
}
type PeerChild = ReturnType<typeof spawn>;

export class Peer implements AsyncDisposable {
  private readonly queue: PeerEvent[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly stderrLines: string[] = [];
  private closed = false;
  readonly exited: Promise<{ exitCode: number | undefined; signal: string | undefined }>;

  private constructor(readonly process: PeerChild) {
    const lines = createInterface({ input: process.stdout! });
    lines.on('line', (line) => {
      if (line.trim() === '') return;
      let parsed: PeerEvent;
      try {
        parsed = JSON.parse(line) as PeerEvent;
      } catch {
        parsed = { event: 'stdout', line };
      }
      this.queue.push(parsed);
      this.wake();
    });
    createInterface({ input: process.stderr! }).on('line', (l) => this.stderrLines.push(l));
    this.exited = process.then((r) => {
      this.closed = true;
      this.wake();
      return { exitCode: r.exitCode, signal: r.signal };
    });
  }

  /** Starts `Twinmap.Peer <command> key=value...` (or the app options.app names). */
  static start(command: string, args: Record<string, PeerArgValue> = {}, options: StartOptions = {}): Peer {
    const { file, args: pre } = options.dll ? { file: 'dotnet', args: [options.dll] } : dotnetCommand(options.app ?? 'peer');
    const argv = [...pre, command, ...Object.entries(args).map(([k, v]) => `${k}=${String(v)}`)];
    return new Peer(options.setsid ? spawn('setsid', ['--wait', file, ...argv], options.env ?? {}) : spawn(file, argv, options.env ?? {}));
  }

  /** Runs a command to completion and returns every event it printed. */
  static async run(command: string, args: Record<string, PeerArgValue> = {}, options: StartOptions = {}): Promise<PeerEvent[]> {
    const peer = Peer.start(command, args, options);
    const { exitCode } = await peer.exited;
    const events = peer.drain();
    const failure = events.find((e) => e.event === 'error');
    if (exitCode !== 0 && !failure) {
      throw new Error(`Peer ${command} exited with ${exitCode}: ${peer.stderr()}`);
    }
    return events;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits for the next event (of the given name, if any), failing on an 'error' event, exit, or timeout. */
  async next(name?: string, timeoutMs = 30_000): Promise<PeerEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.queue.findIndex((e) => name === undefined || e.event === name || e.event === 'error');
      if (i >= 0) {
        const [e] = this.queue.splice(i, 1);
        if (e!.event === 'error' && name !== 'error') {
          throw new Error(`Peer reported ${String(e!['type'])}: ${String(e!['message'])}`);
        }
        return e!;
      }
      if (this.closed) throw new Error(`Peer exited before '${name ?? 'any'}' event; stderr: ${this.stderr()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for Peer event '${name ?? 'any'}'`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Events received and not yet taken by next(). */
  drain(): PeerEvent[] {
    return this.queue.splice(0);
  }

  /** Sends one line to the Peer's stdin (how a test steps it). */
  send(line = 'go'): void {
    this.process.stdin!.write(`${line}\n`);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.process.kill(signal);
  }

  stderr(): string {
    return this.stderrLines.join('\n');
  }

  get pid(): number {
    return this.process.pid!;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.closed) {
      this.kill('SIGKILL');
      await this.exited;
    }
  }
}
