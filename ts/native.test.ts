import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { native } from './native.js';

/** The session id the kernel reports for this process (field 6 of /proc/self/stat). It is 0 when
 *  the session leader lives outside our pid namespace (containers, some CI runners), and .NET
 *  then uses `session0` too, so the addon must report the same value, not a positive one. */
function procSessionId(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const afterComm = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(afterComm[3]); // state, ppid, pgrp, session
}

describe('native addon loader', () => {
  it('loads the addon and reports the ids of this process', () => {
    expect(native.platform).toBe(process.platform === 'win32' ? 'win32' : 'posix');
    expect(native.getpid()).toBe(process.pid);
    expect(native.gettid()).toBe(process.pid); // the JS thread is the main thread on Linux
    if (process.platform === 'linux') expect(native.getsid()).toBe(procSessionId());
    else expect(native.getsid()).toBeGreaterThanOrEqual(0);
  });
});
