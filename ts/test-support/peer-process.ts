// Test support (not part of the library build): the one client of the Peer's line protocol. A
// program that speaks it (dotnet/Twinmap.Peer, the bench's sides, the channel writer
// channel-writer.ts, the Wine suite's child.js) prints one JSON object per line on stdout,
// `{"event": "...", ...}` (`"error"` when it fails), and is stepped with lines on its stdin. The
// interop tests, the demo, the bench and the Wine suite all start and read their programs through
// this class; the Node programs speak it with parseKeyValueArgs / emitEvent / waitLine.
// Plain Node, no test runner.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface PeerEvent {
  event: string;
  [field: string]: unknown;
}

/** How the process ended: its exit code, or the signal that ended it. */
export interface PeerExit {
  exitCode: number | undefined;
  signal: NodeJS.Signals | undefined;
}

export interface PeerProcessOptions {
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Names the process in error messages (default: the file's name). */
  label?: string;
  /** Lines of stderr kept for error messages (default: all). */
  stderrLines?: number;
}

/** A value of a `key=value` argument. */
export type PeerArgValue = string | number | bigint | boolean;

/** `key=value` arguments, the Peer's command-line convention. */
export function keyValueArgs(args: Record<string, PeerArgValue>): string[] {
  return Object.entries(args).map(([k, v]) => `${k}=${String(v)}`);
}

/** The program's side: `key=value` arguments back into a map (throws on anything else). */
export function parseKeyValueArgs(argv: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const a of argv) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new Error(`argument '${a}' is not key=value`);
    m.set(a.slice(0, eq), a.slice(eq + 1));
  }
  return m;
}

/** The program's side: one event, one JSON line on stdout. */
export function emitEvent(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
}

/**
 * The program's side: the next line on stdin (where the test steps it); undefined once stdin
 * ends. Between calls stdin does not keep the program alive (closing readline alone leaves a
 * pipe's handle holding the event loop, and the program would never exit).
 */
export function waitLine(): Promise<string | undefined> {
  const input = process.stdin as NodeJS.ReadStream & { ref?(): void; unref?(): void };
  input.ref?.();
  return new Promise((resolve) => {
    const lines = createInterface({ input });
    let done = false;
    const end = (line: string | undefined) => {
      if (done) return;
      done = true;
      lines.close();
      input.unref?.();
      resolve(line);
    };
    lines.once('line', end);
    lines.once('close', () => end(undefined));
  });
}

/** A line of the program's stdout as an event; any other line (text, a bare JSON value) is `{event: 'stdout', line}`. */
function parseEventLine(line: string): PeerEvent {
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { event?: unknown }).event === 'string') return parsed as PeerEvent;
  } catch {
    // not JSON: plain text
  }
  return { event: 'stdout', line };
}

/**
 * spawn(), tried again a few times when Windows gives no reason (`UNKNOWN`): under Wine on a
 * loaded machine CreateProcess fails now and then for a program that starts fine a moment later.
 * Any other error, or the fourth `UNKNOWN`, is thrown as it is.
 */
function spawnRetrying(file: string, args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  for (let attempt = 1; ; attempt++) {
    try {
      return spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    } catch (e) {
      if (process.platform !== 'win32' || (e as NodeJS.ErrnoException).code !== 'UNKNOWN' || attempt === 4) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250 * attempt);
    }
  }
}

/** A running program that speaks the line protocol: `next(event)` waits for an event, `send()` steps it. */
export class PeerProcess implements AsyncDisposable {
  readonly child: ChildProcess;
  readonly label: string;
  /** Settles once the process has ended and every line it wrote has been read. */
  readonly exited: Promise<PeerExit>;
  private readonly queue: PeerEvent[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly stderrLines: string[] = [];
  private readonly stderrKeep: number;
  private ended: PeerExit | undefined;

  /** Starts `file args...` with stdin, stdout and stderr piped. */
  constructor(file: string, args: readonly string[], options: PeerProcessOptions = {}) {
    this.label = options.label ?? file;
    this.stderrKeep = options.stderrLines ?? Infinity;
    this.child = spawnRetrying(file, args, { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', ...options.env });
    // A program that already exited: writing to it fails, and the caller sees its exit instead.
    this.child.stdin!.on('error', () => undefined);
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      if (line.trim() === '') return;
      this.queue.push(parseEventLine(line));
      this.wake();
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.keepStderr(line));
    this.exited = new Promise<PeerExit>((resolve) => {
      const end = (exit: PeerExit) => {
        if (this.ended !== undefined) return;
        this.ended = exit;
        this.wake();
        resolve(exit);
      };
      // 'close' (not 'exit'): by then every line the program wrote has been read.
      this.child.on('close', (code, signal) => end({ exitCode: code ?? undefined, signal: signal ?? undefined }));
      // It could not start (no such program): no 'close' follows for sure.
      this.child.on('error', (e) => {
        this.keepStderr(String(e));
        if (this.child.pid === undefined) end({ exitCode: -1, signal: undefined });
      });
    });
  }

  private keepStderr(line: string): void {
    this.stderrLines.push(line);
    if (this.stderrLines.length > this.stderrKeep) this.stderrLines.shift();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Whether the process has ended (and its output been read). */
  get hasExited(): boolean {
    return this.ended !== undefined;
  }

  /**
   * The next event named `name` (any event without a name); earlier events of other names stay
   * queued. An `error` event (unless `name` is 'error'), the process's end or the timeout throws.
   */
  async next(name?: string, timeoutMs = 30_000): Promise<PeerEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.queue.findIndex((e) => name === undefined || e.event === name || e.event === 'error');
      if (i >= 0) {
        const e = this.queue.splice(i, 1)[0]!;
        if (e.event === 'error' && name !== 'error') {
          throw new Error(`${this.label} reported ${String(e['type'] ?? e['code'] ?? 'error')}: ${String(e['message'])}`);
        }
        return e;
      }
      if (this.ended !== undefined) {
        const how = this.ended.signal ?? `code ${String(this.ended.exitCode)}`;
        throw new Error(`${this.label} exited (${how}) before '${name ?? 'any'}' event; stderr: ${this.stderr()}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.label}: timed out waiting for '${name ?? 'any'}' event`);
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

  /** One line on the program's stdin (where a command waits to be stepped). */
  send(line = 'go'): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** One JSON line (the bench's stepped sides). */
  sendJson(step: Record<string, unknown>): void {
    this.send(JSON.stringify(step));
  }

  /** Ends stdin: a stepped program then closes what it holds and exits. */
  endInput(): void {
    this.child.stdin!.end();
  }

  /** Sends `signal` (default SIGKILL: the crash case, no clean-up runs in the program); settles when it has ended. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.ended !== undefined) return;
    this.child.kill(signal);
    if (signal === 'SIGSTOP' || signal === 'SIGCONT') return;
    await this.exited;
  }

  /** Ends stdin, waits up to graceMs for the program to exit, then SIGTERM, then (3 s later) SIGKILL. */
  async stop(graceMs = 0): Promise<void> {
    if (this.ended !== undefined) return;
    this.endInput();
    const ended = (ms: number) =>
      new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), ms);
        void this.exited.then(() => {
          clearTimeout(t);
          resolve(true);
        });
      });
    if (graceMs > 0 && (await ended(graceMs))) return;
    this.child.kill('SIGTERM');
    if (!(await ended(3000))) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** What it wrote on stderr (the last `stderrLines` lines). */
  stderr(): string {
    return this.stderrLines.join('\n');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.kill('SIGKILL');
  }
}
