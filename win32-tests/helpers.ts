// Shared by the Windows tests: unique names, and a second node.exe process to talk to.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after } from 'node:test';
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

const live = new Set<ChildProcess>();
// A test that failed midway must not leave its children running: they would keep this test
// file's process (and so the run) alive.
after(() => {
  for (const c of live) c.kill('SIGKILL');
});

/** Another node.exe running a script of this folder; it prints one JSON line per event. */
export class Child {
  private readonly queue: ChildEvent[] = [];
  private readonly waiters: Array<() => void> = [];
  private stderr = '';
  private ended = false;
  readonly exited: Promise<number | null>;
  readonly process: ChildProcess;

  /** `script` (a .js file of this folder) run by this node.exe, or any program given `exe`. */
  constructor(script: string, args: string[], exe?: string) {
    const [file, argv] = exe === undefined ? [process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...args]] : [exe, args];
    this.process = spawn(file, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    const child = this.process;
    live.add(child);
    child.on('exit', () => live.delete(child));
    child.stdin!.on('error', () => undefined); // a child that already exited: the test sees its exit
    createInterface({ input: this.process.stdout! }).on('line', (line) => {
      if (line.trim() === '') return;
      this.queue.push(JSON.parse(line) as ChildEvent);
      this.wake();
    });
    this.process.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    // 'close' (not 'exit'): every line the child wrote has been read by then.
    this.exited = new Promise((resolve) =>
      this.process.on('close', (code) => {
        this.ended = true;
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
      if (this.ended || Date.now() > deadline) {
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

/**
 * The .NET Peer (dotnet/Twinmap.Peer) published as a Windows program (win-x64, self-contained),
 * from TWINMAP_WIN_PEER (set by .ci/windows.sh). `Peer.start('map-read', {name: 'x'})`.
 */
export function peerExe(): string {
  const exe = process.env['TWINMAP_WIN_PEER'];
  if (exe === undefined || exe === '') {
    throw new Error('TWINMAP_WIN_PEER is not set: run the Windows tests with .ci/windows.sh, which publishes the Peer for win-x64');
  }
  return exe;
}

export function startPeer(command: string, args: Record<string, string | number> = {}): Child {
  return new Child('', [command, ...Object.entries(args).map(([k, v]) => `${k}=${String(v)}`)], peerExe());
}
