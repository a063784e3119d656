// Processes the bench drives: started pinned to a CPU, stepped over stdin with JSON lines,
// reporting JSON lines on stdout (the .NET Peer's convention), and observed through /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readFileSync, readdirSync, existsSync } from 'node:fs';

export interface SideEvent {
  event: string;
  [field: string]: unknown;
}

export class Side {
  private readonly queue: SideEvent[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly stderrLines: string[] = [];
  private exitCode: number | null | undefined;
  private readonly child: ChildProcess;

  /** Starts `file args...`, pinned to `cpu` with taskset when given (taskset execs, so the pid is the program's). */
  constructor(readonly label: string, file: string, args: string[], cpu: number | undefined, env: NodeJS.ProcessEnv = {}) {
    const argv = cpu === undefined ? [file, ...args] : ['taskset', '-c', String(cpu), file, ...args];
    this.child = spawn(argv[0]!, argv.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', ...env },
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      if (line.trim() === '') return;
      try {
        this.queue.push(JSON.parse(line) as SideEvent);
      } catch {
        this.queue.push({ event: 'stdout', line });
      }
      this.wake();
    });
    createInterface({ input: this.child.stderr! }).on('line', (l) => {
      this.stderrLines.push(l);
      if (this.stderrLines.length > 50) this.stderrLines.shift();
    });
    this.child.on('exit', (code, signal) => {
      this.exitCode = code ?? (signal ? -1 : null);
      this.wake();
    });
    this.child.on('error', (e) => {
      this.stderrLines.push(String(e));
      this.exitCode = -1;
      this.wake();
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** The next event named `name`; an 'error' event, an exit or the timeout throws. */
  async next(name: string, timeoutMs = 120_000): Promise<SideEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.queue.findIndex((e) => e.event === name || e.event === 'error');
      if (i >= 0) {
        const [e] = this.queue.splice(i, 1);
        if (e!.event === 'error') throw new Error(`${this.label}: ${String(e!['type'] ?? 'error')}: ${String(e!['message'])}`);
        return e!;
      }
      if (this.exitCode !== undefined) {
        throw new Error(`${this.label} exited (${this.exitCode}) before '${name}'; stderr: ${this.stderrLines.join('\n')}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.label}: timed out waiting for '${name}'`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Sends one JSON line and waits for the `result` event it produces. */
  async ask(step: Record<string, unknown>, timeoutMs?: number): Promise<SideEvent> {
    this.send(step);
    return this.next('result', timeoutMs);
  }

  send(step: Record<string, unknown>): void {
    this.sendLine(JSON.stringify(step));
  }

  sendLine(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** Resident memory now and at its peak (kB), from /proc. */
  memory(): { rssKb: number; peakRssKb: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const field = (k: string) => Number(/^(\w+):\s+(\d+)/m.exec(status.split('\n').find((l) => l.startsWith(k + ':')) ?? '')?.[2] ?? NaN);
    return { rssKb: field('VmRSS'), peakRssKb: field('VmHWM') };
  }

  /** CPU time used so far by every thread of the process, in ns (schedstat: nanosecond resolution). */
  cpuNs(): number {
    let total = 0;
    const tasks = `/proc/${this.pid}/task`;
    if (!existsSync(tasks)) return NaN;
    for (const tid of readdirSync(tasks)) {
      try {
        total += Number(readFileSync(`${tasks}/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread ended between readdir and read
      }
    }
    return total;
  }

  /** Ends stdin (a stepped side then closes what it holds and exits), waits up to graceMs, then SIGTERM, then SIGKILL. */
  async stop(graceMs = 0): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.child.stdin!.end();
    if (graceMs > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, graceMs);
        this.child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
      if (this.exitCode !== undefined) return;
    }
    this.child.kill('SIGTERM');
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve();
      }, 3000);
      this.child.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
