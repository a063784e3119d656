// Starts the .NET Peer (dotnet/Twinmap.Peer) or the BCL-only app (dotnet/Twinmap.BclApp) as a
// separate process and talks to it in JSON lines: it reports events on stdout, and reads a line on
// stdin where a test steps it (the line protocol, ts/test-support/peer-process.ts).
// Which .NET runs them: by default the installed runtime (`dotnet <app>.dll`, the Release build);
// with TWINMAP_DOTNET=<id> (8, 9, 10, 11, 11-global: scripts/runtimes.json) the self-contained
// publish in build-runtimes/<id>/ that `node scripts/dotnet-runtimes.mjs <id>` makes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { keyValueArgs, PeerProcess, type PeerArgValue, type PeerEvent } from '../ts/test-support/peer-process.js';
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

export type { PeerEvent };

export interface StartOptions {
  /** Run the Peer in a new session (`setsid`), as a service started elsewhere would be. */
  setsid?: boolean;
  env?: Record<string, string>;
  /** Which program (default: the Peer). */
  app?: DotnetApp;
  /** Another JSON-lines .NET program than the Peer (e.g. the NRBF test program). */
  dll?: string;
}

export type { PeerArgValue };

/** The .NET Peer (or another program of dotnet/) as a separate process: the line protocol's client. */
export class Peer extends PeerProcess {
  /** Starts `Twinmap.Peer <command> key=value...` (or the app options.app names). */
  static start(command: string, args: Record<string, PeerArgValue> = {}, options: StartOptions = {}): Peer {
    const { file, args: pre } = options.dll ? { file: 'dotnet', args: [options.dll] } : dotnetCommand(options.app ?? 'peer');
    const argv = [...pre, command, ...keyValueArgs(args)];
    const label = `${options.app === 'bclapp' ? 'BclApp' : 'Peer'} ${command}`;
    return options.setsid
      ? new Peer('setsid', ['--wait', file, ...argv], { env: options.env, label })
      : new Peer(file, argv, { env: options.env, label });
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
}
