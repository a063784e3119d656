import { describe, expect, it } from 'vitest';
import { native } from './native.js';

describe('native addon loader', () => {
  it('loads the addon and reports the ids of this process', () => {
    expect(native.platform).toBe(process.platform === 'win32' ? 'win32' : 'posix');
    expect(native.getpid()).toBe(process.pid);
    expect(native.gettid()).toBe(process.pid); // the JS thread is the main thread on Linux
    expect(native.getsid()).toBeGreaterThan(0);
  });
});
