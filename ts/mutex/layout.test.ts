// Byte offsets of the one layout .NET 6-11 write, computed from dotnet/runtime sources (research
// note §2.2) and checked on x64 against files .NET 10.0 and 11.0.0 created (the live tests in
// interop-tests/ read the same offsets from a running .NET process).
import { describe, expect, it } from 'vitest';
import { native } from '../native.js';
import { computeLayout, dotnetLayout } from './layout.js';

describe('named-mutex layout', () => {
  it('on glibc x64: pid @48, tid u64 @56, abandoned @64, 72 bytes used', () => {
    expect(computeLayout(40, 8)).toEqual({ mutexOffset: 8, ownerPidOffset: 48, ownerTidOffset: 56, abandonedOffset: 64, usedBytes: 72 });
  });

  it('follows the libc: a 48-byte pthread_mutex_t (glibc arm64) moves every field', () => {
    expect(computeLayout(48, 8)).toEqual({ mutexOffset: 8, ownerPidOffset: 56, ownerTidOffset: 64, abandonedOffset: 72, usedBytes: 80 });
  });

  it("uses this machine's sizeof(pthread_mutex_t)", () => {
    expect(dotnetLayout().ownerPidOffset).toBe(8 + native.mutexSize);
  });
});
