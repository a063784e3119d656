// Processes the bench drives: started pinned to a CPU, stepped over stdin with JSON lines and
// reporting JSON lines on stdout (the Peer's line protocol, whose one client is
// ts/test-support/peer-process.ts), and observed through /proc.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { PeerProcess } from '../ts/test-support/peer-process.js';

export class Side extends PeerProcess {
  /** Starts `file args...`, pinned to `cpu` with taskset when given (taskset execs, so the pid is the program's). */
  constructor(label: string, file: string, args: string[], cpu: number | undefined, env: NodeJS.ProcessEnv = {}) {
    const argv = cpu === undefined ? [file, ...args] : ['taskset', '-c', String(cpu), file, ...args];
    super(argv[0]!, argv.slice(1), { label, env, stderrLines: 50 });
  }

  /** The next event named `name` (a long default timeout: a bench step can run for minutes). */
  override next(name: string, timeoutMs = 120_000) {
    return super.next(name, timeoutMs);
  }

  /** Sends one JSON line and waits for the `result` event it produces. */
  async ask(step: Record<string, unknown>, timeoutMs?: number) {
    this.sendJson(step);
    return this.next('result', timeoutMs);
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
}
