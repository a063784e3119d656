// Runs the test-only .NET program that uses BinaryFormatter (dotnet/Twinmap.NrbfApp).
import { execa } from 'execa';
import { join } from 'node:path';
import { repoRoot, Peer } from '../peer.js';

export const nrbfAppDll = join(repoRoot, 'dotnet', 'Twinmap.NrbfApp', 'bin', 'Release', 'net10.0', 'Twinmap.NrbfApp.dll');

export interface AppEvent {
  event: string;
  [k: string]: unknown;
}

/** Runs a command to completion; its stdout is JSON lines. Fails on an "error" event. */
export async function runApp(command: string, args: Record<string, string | number> = {}): Promise<AppEvent[]> {
  const r = await execa('dotnet', [nrbfAppDll, command, ...Object.entries(args).map(([k, v]) => `${k}=${v}`)], {
    reject: false,
    env: { DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
  });
  const events = r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as AppEvent);
  const error = events.find((e) => e.event === 'error');
  if (error !== undefined || r.exitCode !== 0) throw new Error(`NrbfApp ${command}: ${JSON.stringify(error ?? r.stderr)}`);
  return events;
}

/** Starts a long-running command (write: holds the map until a stdin line). */
export function startApp(command: string, args: Record<string, string | number>): Peer {
  return Peer.start(command, args, { dll: nrbfAppDll });
}
