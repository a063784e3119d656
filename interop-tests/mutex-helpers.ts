// Shared by the mutex interop tests: unique names and a counter file both sides map.
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { native } from '../ts/native.js';
import type { NativeMapping } from '../ts/native-types.js';

/** A mutex name no other test run on this machine uses. */
export function uniqueMutexName(tag: string): string {
  return `tm-${tag}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

/** A 4096-byte zeroed file mapped here; the Peer maps it with MemoryMappedFile.CreateFromFile. */
export function counterFile(): { path: string; view: DataView; mapping: NativeMapping; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'twinmap-mutex-'));
  const path = join(dir, 'counter');
  const fd = openSync(path, 'w+');
  ftruncateSync(fd, 4096);
  const mapping = new native.Mapping(fd, 4096, true);
  closeSync(fd);
  return {
    path,
    mapping,
    view: new DataView(mapping.buffer!),
    [Symbol.dispose]() {
      mapping.unmap();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
