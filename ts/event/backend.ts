// What NamedEvent needs from the OS, per platform: open (or create) the named object, and set,
// reset and wait on it. NamedEvent (named-event.ts) checks the arguments and delegates.
//   Linux:   a futex word in a small shared region (linux.ts, formats/event_header.ksy)
//   Windows: a Win32 named event, the one .NET's EventWaitHandle makes (win32.ts)
// The .NET twin: NamedEvent.cs + NamedEvent.Linux.cs + NamedEvent.Windows.cs.
import type { OpenMode } from '../shm-region.js';
import { LinuxEventBackend } from './linux.js';
import { Win32EventBackend } from './win32.js';

/** One open event. Timeouts reach it checked: a number, Infinity or < 0 for no limit. */
export interface OsEvent {
  /** True for auto-reset events (read from the OS object, not from the options of open). */
  readonly autoReset: boolean;
  set(): void;
  reset(): void;
  isSet(): boolean;
  tryWait(): boolean;
  wait(timeoutMs: number): boolean;
  waitAsync(timeoutMs: number, signal: AbortSignal | undefined): Promise<boolean>;
  /** Pending async waits reject with CLOSED. Idempotent. */
  close(): void;
}

export interface EventBackend {
  /** Opens, or creates (not set) when `mode` allows; `autoReset` applies only to a new event. */
  open(name: string, mode: OpenMode, autoReset: boolean): OsEvent;
  /** Removes the name; false if there was nothing to remove. */
  unlink(name: string): boolean;
}

/** This platform's backend. */
export function eventBackend(): EventBackend {
  return process.platform === 'win32' ? Win32EventBackend.instance : LinuxEventBackend.instance;
}
