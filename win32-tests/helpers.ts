// Shared by the Windows tests: unique names, and a second node.exe process to talk to.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

let counter = 0;
/** A name no other test (or earlier run) uses: all processes in one Wine prefix share a namespace. */
export function uniqueName(what: string, prefix = 'Local\\'): string {
  return `${prefix}twinmap-test-${what}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
}

export interface ChildEvent {
  event: string;
  [field: string]: unknown;
}

/** Another node.exe running a script of this folder; it prints one JSON line per event. */
export class Child {
  private readonly queue: ChildEvent[] = [];
  private readonly waiters: Array<() => void> = [];
  private stderr = '';
  readonly exited: Promise<number | null>;
  readonly process: ChildProcess;

  constructor(script: string, args: string[]) {
    const file = fileURLToPath(new URL(script, import.meta.url));
    this.process = spawn(process.execPath, [file, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.process.stdout! }).on('line', (line) => {
      if (line.trim() === '') return;
      this.queue.push(JSON.parse(line) as ChildEvent);
      this.wake();
    });
    this.process.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) =>
      this.process.on('exit', (code) => {
        this.wake();
        resolve(code);
      }),
    );
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** The next event named `event` (earlier events of other names are dropped). */
  async next(event: string, timeoutMs = 20_000): Promise<ChildEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.queue.findIndex((e) => e.event === event || e.event === 'error');
      if (i >= 0) {
        const e = this.queue.splice(i, 1)[0]!;
        if (e.event === 'error' && event !== 'error') throw new Error(`child error: ${JSON.stringify(e)}`);
        return e;
      }
      if (this.process.exitCode !== null || Date.now() > deadline) {
        throw new Error(`child never said ${event} (exit ${this.process.exitCode}); stderr: ${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  /** One line on the child's stdin (where a command waits to be stepped). */
  send(line: string): void {
    this.process.stdin!.write(`${line}\n`);
  }

  /** TerminateProcess: the crash case (no clean-up code runs in the child). */
  async kill(): Promise<void> {
    this.process.kill('SIGKILL');
    await this.exited;
  }
}
