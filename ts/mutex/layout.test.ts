// Byte offsets of both layouts. The numbers are the ones computed from dotnet/runtime sources
// (research note §2.4) and, for net10 on x64, checked against a file .NET 10.0 created.
import { describe, expect, it } from 'vitest';
import { native } from '../native.js';
import { computeLayout, layoutFor } from './layout.js';

describe('named-mutex layouts', () => {
  it('net10 (.NET 6-10 PAL) on glibc x64: pid @48, tid u64 @56, abandoned @64, 72 bytes used', () => {
    expect(computeLayout('net10', 40, 8)).toEqual({
      name: 'net10', mutexOffset: 8, ownerPidOffset: 48, ownerTidOffset: 56, ownerTidBytes: 8, abandonedOffset: 64, usedBytes: 72,
    });
  });

  it('net11 (.NET 11 LowLevelCrossProcessMutex) on glibc x64: pid @48, tid u32 @52, abandoned @56, 64 bytes used', () => {
    expect(computeLayout('net11', 40, 8)).toEqual({
      name: 'net11', mutexOffset: 8, ownerPidOffset: 48, ownerTidOffset: 52, ownerTidBytes: 4, abandonedOffset: 56, usedBytes: 64,
    });
  });

  it('follows the libc: a 48-byte pthread_mutex_t (glibc arm64) moves every field', () => {
    expect(computeLayout('net10', 48, 8)).toMatchObject({ ownerPidOffset: 56, ownerTidOffset: 64, abandonedOffset: 72, usedBytes: 80 });
    expect(computeLayout('net11', 48, 8)).toMatchObject({ ownerPidOffset: 56, ownerTidOffset: 60, abandonedOffset: 64, usedBytes: 72 });
  });

  it("uses this machine's sizeof(pthread_mutex_t)", () => {
    expect(layoutFor('net10').ownerPidOffset).toBe(8 + native.mutexSize);
  });

  it('refuses an unknown layout name with a typed error', () => {
    expect(() => layoutFor('net9' as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
