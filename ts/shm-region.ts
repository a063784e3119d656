// A named region of shared memory with a twinmap header: the file `/dev/shm/<base>` mapped
// read-write. Events and channels live in such regions. Creation is race-free: the creator
// makes the file with O_EXCL, sizes it, lets the caller write the header, and publishes the
// magic number last; an opener that finds no magic yet waits a little, then reports
// BAD_HEADER (a region that never became valid is bad input, not a hang).
//
// Until the map engineer's SharedMap lands on main, this opens the file itself; the names mean
// the same file as SharedMap's (/dev/shm/<base>, the Local\/Global\ prefix removed).
import { closeSync, fstatSync, ftruncateSync, openSync, unlinkSync } from 'node:fs';
import { BadHeaderError, fromOsError } from './errors.js';
import { native } from './native.js';
import type { NativeMapping } from './native-types.js';
import { parseName, type ParsedName } from './names.js';
import { openRegionWin32, unlinkRegionWin32 } from './shm-region-win32.js';

export const SHM_DIR = '/dev/shm';

export type OpenMode = 'create' | 'open' | 'openOrCreate';

export interface RegionSpec {
  /** What the region holds, for messages: "event", "channel". */
  readonly kind: string;
  /** Byte offset of the 32-bit magic number that marks an initialised header. */
  readonly magicOffset: number;
  readonly magic: number;
}

export interface Region {
  readonly name: ParsedName;
  readonly path: string;
  readonly mapping: NativeMapping;
  readonly buffer: ArrayBuffer;
  /** True if this call created the file (and so wrote the header). */
  readonly created: boolean;
}

export function shmPath(name: ParsedName): string {
  return `${SHM_DIR}/${name.base}`;
}

/**
 * Opens or creates the region. `size` is the whole file size for a create; `init` writes the
 * header (everything except the magic) into a new region; `check` validates an existing
 * header and returns the size to map (it must throw BadHeaderError for garbage).
 */
export function openRegion(
  nameText: string,
  mode: OpenMode,
  spec: RegionSpec,
  create: { size: number; init: (buf: ArrayBuffer) => void } | undefined,
  check: (buf: ArrayBuffer, fileSize: number) => number,
): Region {
  if (process.platform === 'win32') return openRegionWin32(nameText, mode, spec, create, check);
  const name = parseName(nameText);
  const path = shmPath(name);
  if (mode !== 'open') {
    if (create === undefined) throw new TypeError('openRegion: create needs a size and an initialiser');
    let fd: number | undefined;
    try {
      fd = openSync(path, 'wx+', 0o600);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (!(mode === 'openOrCreate' && err.code === 'EEXIST')) throw fromOsError(e, `create ${spec.kind} ${JSON.stringify(nameText)}`);
    }
    if (fd !== undefined) {
      try {
        ftruncateSync(fd, create.size);
        const mapping = new native.Mapping(fd, create.size, true);
        const buffer = mapping.buffer!;
        create.init(buffer);
        // Publish: the magic goes last, so an opener never sees a half-written header.
        Atomics.store(new Int32Array(buffer, spec.magicOffset, 1), 0, spec.magic | 0);
        return { name, path, mapping, buffer, created: true };
      } catch (e) {
        try {
          unlinkSync(path);
        } catch {
          /* already gone */
        }
        throw fromOsError(e, `create ${spec.kind} ${JSON.stringify(nameText)}`);
      } finally {
        closeSync(fd);
      }
    }
  }
  return openExisting(nameText, name, path, spec, check);
}

function openExisting(
  nameText: string,
  name: ParsedName,
  path: string,
  spec: RegionSpec,
  check: (buf: ArrayBuffer, fileSize: number) => number,
): Region {
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch (e) {
    throw fromOsError(e, `open ${spec.kind} ${JSON.stringify(nameText)}`);
  }
  try {
    // A creator may be between O_EXCL and publishing the magic: give it a moment.
    const deadline = Date.now() + 1000;
    for (;;) {
      const size = fstatSync(fd).size;
      if (size >= spec.magicOffset + 4) {
        const probe = new native.Mapping(fd, size, true);
        const magic = Atomics.load(new Int32Array(probe.buffer!, spec.magicOffset, 1), 0);
        if (magic !== 0 || Date.now() > deadline) {
          if (magic !== (spec.magic | 0)) {
            probe.unmap();
            throw new BadHeaderError(
              `${spec.kind} ${JSON.stringify(nameText)} (${path}): bad magic 0x${(magic >>> 0).toString(16).padStart(8, '0')} at offset ${spec.magicOffset}, expected 0x${(spec.magic >>> 0).toString(16)} (not a twinmap ${spec.kind}, or overwritten)`,
            );
          }
          let mapLength: number;
          try {
            mapLength = check(probe.buffer!, size);
          } catch (e) {
            probe.unmap();
            throw e;
          }
          if (mapLength === size) return { name, path, mapping: probe, buffer: probe.buffer!, created: false };
          probe.unmap();
          const mapping = new native.Mapping(fd, mapLength, true);
          return { name, path, mapping, buffer: mapping.buffer!, created: false };
        }
        probe.unmap();
      } else if (Date.now() > deadline) {
        throw new BadHeaderError(
          `${spec.kind} ${JSON.stringify(nameText)} (${path}): the file is ${size} bytes, too small for a header`,
        );
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  } catch (e) {
    throw fromOsError(e, `open ${spec.kind} ${JSON.stringify(nameText)}`);
  } finally {
    closeSync(fd);
  }
}

/** Removes the name (the memory lives on while anyone has it mapped). False if it was not there. */
export function unlinkRegion(nameText: string): boolean {
  if (process.platform === 'win32') return unlinkRegionWin32(nameText);
  const path = shmPath(parseName(nameText));
  try {
    unlinkSync(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw fromOsError(e, `unlink ${JSON.stringify(nameText)}`);
  }
}
