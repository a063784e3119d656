// Where .NET keeps a named mutex's fields inside its shared-memory file (Linux, pthread mode).
// Every .NET from 6 to 11 writes the same bytes (CoreCLR PAL NamedMutexSharedData; .NET 11's
// managed port kept it):
//
//   8-byte header (byte 0 type = 0 "mutex", byte 1 version = 1)
//   pthread_mutex_t; uint32 ownerPid; uint64 ownerTid; bool isAbandoned
//
// ownerTid is the OS thread id (gettid) in .NET 6-10 and the managed thread id
// (Environment.CurrentManagedThreadId, 1 for the main thread) in .NET 11. Each side only compares
// the owner fields with its own pid and thread, so the difference never matters to exclusion or
// abandonment; twinmap writes gettid() like .NET 6-10, and `twinmap inspect` says which kind it sees.
//
// Offsets follow C's natural alignment from this libc's sizeof(pthread_mutex_t), not fixed
// numbers (glibc x64: 40 bytes; glibc arm64: 48; musl: 40). Verified against real .NET 10.0 and
// 11.0.0 files on x64 glibc: pid @48, tid u64 @56, isAbandoned @64, 72 bytes used, file 4096 bytes.
import { native } from '../native.js';

export interface MutexLayout {
  /** Offset of pthread_mutex_t (right after the 8-byte header). */
  readonly mutexOffset: number;
  readonly ownerPidOffset: number;
  /** A uint64. */
  readonly ownerTidOffset: number;
  readonly abandonedOffset: number;
  /** Header + shared data (sizeof of the struct, padded to its alignment). */
  readonly usedBytes: number;
}

/** The header every .NET version writes: type 0 (mutex), version 1. Bytes 2..7 are not written. */
export const HEADER_BYTES = 8;
export const HEADER_TYPE_MUTEX = 0;
export const HEADER_VERSION = 1;
export const INVALID_PID = 0xffff_ffff;

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/** Computes the layout from a pthread_mutex_t size and alignment (exported for tests). */
export function computeLayout(mutexSize: number, mutexAlign: number): MutexLayout {
  const mutexOffset = HEADER_BYTES; // the header is 8 bytes so the data is pointer-aligned
  const ownerPidOffset = alignUp(mutexOffset + mutexSize, 4);
  const ownerTidOffset = alignUp(ownerPidOffset + 4, 8);
  const abandonedOffset = ownerTidOffset + 8;
  const structAlign = Math.max(mutexAlign, 8);
  const dataSize = alignUp(abandonedOffset + 1 - mutexOffset, structAlign);
  return { mutexOffset, ownerPidOffset, ownerTidOffset, abandonedOffset, usedBytes: HEADER_BYTES + dataSize };
}

let cached: MutexLayout | undefined;
/** The layout for this machine's libc. */
export function dotnetLayout(): MutexLayout {
  return (cached ??= computeLayout(native.mutexSize, native.mutexAlign));
}
