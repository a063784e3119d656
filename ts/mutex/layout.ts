// Where .NET keeps a named mutex's fields inside its shared-memory file (Linux, pthread mode).
// Every layout starts with the same 8-byte header (byte 0 type = 0 "mutex", byte 1 version = 1),
// so nothing on disk tells them apart: the caller must say which .NET it meets.
//
//   net10 (.NET 6-10, CoreCLR PAL NamedMutexSharedData):
//     pthread_mutex_t; uint32 ownerPid; uint64 ownerTid (OS tid); bool isAbandoned
//   net11 (.NET 11 LowLevelCrossProcessMutex):
//     pthread_mutex_t; uint32 ownerPid; uint32 ownerTid; uint8 isAbandoned
//
// Offsets follow C's natural alignment from this libc's sizeof(pthread_mutex_t), not fixed
// numbers (glibc x64: 40 bytes; glibc arm64: 48; musl: 40). Verified against a real .NET 10.0
// file on x64 glibc: pid @48, tid u64 @56, isAbandoned @64, 72 bytes used, file 4096 bytes.
import { TwinmapError } from '../errors.js';
import { native } from '../native.js';

export type MutexLayoutName = 'net10' | 'net11';

export interface MutexLayout {
  readonly name: MutexLayoutName;
  /** Offset of pthread_mutex_t (right after the 8-byte header). */
  readonly mutexOffset: number;
  readonly ownerPidOffset: number;
  readonly ownerTidOffset: number;
  /** 8 for net10 (uint64), 4 for net11 (uint32). */
  readonly ownerTidBytes: 4 | 8;
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

/** Computes a layout from a pthread_mutex_t size and alignment (exported for tests). */
export function computeLayout(name: MutexLayoutName, mutexSize: number, mutexAlign: number): MutexLayout {
  const tidBytes = name === 'net10' ? 8 : 4;
  const mutexOffset = HEADER_BYTES; // the header is 8 bytes so the data is pointer-aligned
  const ownerPidOffset = alignUp(mutexOffset + mutexSize, 4);
  const ownerTidOffset = alignUp(ownerPidOffset + 4, tidBytes);
  const abandonedOffset = ownerTidOffset + tidBytes;
  const structAlign = Math.max(mutexAlign, 4, tidBytes);
  const dataSize = alignUp(abandonedOffset + 1 - mutexOffset, structAlign);
  return {
    name,
    mutexOffset,
    ownerPidOffset,
    ownerTidOffset,
    ownerTidBytes: tidBytes,
    abandonedOffset,
    usedBytes: HEADER_BYTES + dataSize,
  };
}

/** The layout for this machine's libc. */
export function layoutFor(name: MutexLayoutName): MutexLayout {
  if (name !== 'net10' && name !== 'net11') {
    throw new TwinmapError('INVALID_ARGUMENT', `unknown mutex layout ${JSON.stringify(name)}: use 'net10' (.NET 6-10) or 'net11' (.NET 11)`);
  }
  return computeLayout(name, native.mutexSize, native.mutexAlign);
}
