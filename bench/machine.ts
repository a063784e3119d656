// What the figures were measured on: goes into the JSON next to every raw figure.
import { cpus, loadavg, release, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export interface Machine {
  date: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  dotnet: string;
  loadAverage: number[];
  clocksource: string;
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

export function machine(): Machine {
  let dotnet = 'not found';
  try {
    dotnet = execFileSync('dotnet', ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim();
  } catch {
    // no .NET SDK on PATH: the .NET rows will say so
  }
  return {
    date: new Date().toISOString(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    dotnet: `SDK ${dotnet}`,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    clocksource: read('/sys/devices/system/clocksource/clocksource0/current_clocksource'),
  };
}
