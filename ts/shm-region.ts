// A named region of shared memory with a twinmap header (events and channels live in such
// regions): a SharedMap (/dev/shm/<base> on Linux) whose header is published race-free. The
// creator makes the map, lets the caller write the header, and publishes the magic number last;
// an opener that finds no magic yet waits a little, then reports BAD_HEADER (a region that never
// became valid is bad input, not a hang).
import { BadHeaderError, NotFoundError } from './errors.js';
import { SharedMap } from './map/shared-map.js';

export type OpenMode = 'create' | 'open' | 'openOrCreate';

export interface RegionSpec {
  /** What the region holds, for messages: "event", "channel". */
  readonly kind: string;
  /** Byte offset of the 32-bit magic number that marks an initialised header. */
  readonly magicOffset: number;
  readonly magic: number;
}

export interface Region {
  readonly map: SharedMap;
  readonly buffer: ArrayBuffer;
  /** True if this call created the region (and so wrote the header). */
  readonly created: boolean;
}

/**
 * Opens or creates the region. `create.size` is the whole size for a create; `create.init` writes
 * the header (everything except the magic) into a new region; `check` validates an existing
 * header given the mapped size (it must throw BadHeaderError for garbage).
 */
export function openRegion(
  name: string,
  mode: OpenMode,
  spec: RegionSpec,
  create: { size: number; init: (buf: ArrayBuffer) => void },
  check: (buf: ArrayBuffer, size: number) => void,
  options: { allowForeignOwner?: boolean } = {},
): Region {
  const allowForeignOwner = options.allowForeignOwner === true;
  let map: SharedMap;
  try {
    map =
      mode === 'create'
        ? SharedMap.create(name, { size: create.size })
        : mode === 'openOrCreate'
          ? SharedMap.openOrCreate(name, { size: create.size, allowForeignOwner })
          : SharedMap.open(name, { allowForeignOwner });
  } catch (e) {
    // Say what is missing in the caller's terms: a channel, not the map under it.
    if (e instanceof NotFoundError && mode === 'open') throw new NotFoundError(`${spec.kind} ${JSON.stringify(name)} does not exist`, { cause: e, osCode: e.osCode ?? 'ENOENT' });
    throw e;
  }
  try {
    const buffer = map.buffer;
    if (map.createdNew) {
      create.init(buffer);
      // Publish: the magic goes last, so an opener never sees a half-written header.
      Atomics.store(new Int32Array(buffer, spec.magicOffset, 1), 0, spec.magic | 0);
      return { map, buffer, created: true };
    }
    if (map.size < spec.magicOffset + 4) {
      throw new BadHeaderError(`${spec.kind} ${JSON.stringify(name)} (${map.path ?? name}): ${map.size} bytes, too small for a header`);
    }
    const word = new Int32Array(buffer, spec.magicOffset, 1);
    // A creator may be between sizing the map and publishing the magic: give it a moment.
    const deadline = Date.now() + 1000;
    let magic = Atomics.load(word, 0);
    while (magic === 0 && Date.now() < deadline) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      magic = Atomics.load(word, 0);
    }
    if (magic !== (spec.magic | 0)) {
      throw new BadHeaderError(
        `${spec.kind} ${JSON.stringify(name)} (${map.path ?? name}): bad magic 0x${(magic >>> 0).toString(16).padStart(8, '0')} at offset ${spec.magicOffset}, expected 0x${(spec.magic >>> 0).toString(16)} (not a twinmap ${spec.kind}, or overwritten)`,
      );
    }
    check(buffer, map.size);
    return { map, buffer, created: false };
  } catch (e) {
    map.close();
    // A create that failed half way leaves nothing behind: the name stays free for the next create.
    if (map.createdNew) SharedMap.unlink(name);
    throw e;
  }
}

/** Removes the name (the memory lives on while anyone has it mapped). False if it was not there. */
export function unlinkRegion(name: string): boolean {
  return SharedMap.unlink(name);
}
