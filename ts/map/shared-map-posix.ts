// SharedMap on Linux and macOS. A named map "x" (prefix removed) is the POSIX shared-memory
// object "/x" (/dev/shm/x on Linux); a file map is any regular file. Both are mmap'd
// MAP_SHARED, PROT_READ for read-only maps (whose pages JS never gets a writable view of).
import { closeSync, constants, fchmodSync, fstatSync, ftruncateSync, openSync, unlinkSync } from 'node:fs';
import { AlreadyExistsError, BadHeaderError, NotFoundError, TwinmapError, fromOsError } from '../errors.js';
import { native } from '../native.js';
import type { ParsedName } from '../names.js';
import type { MapBackend, MapRequest, OpenedMap } from './backend.js';

const { O_CREAT, O_EXCL, O_NONBLOCK, O_RDONLY, O_RDWR } = constants;

/** How long open() waits for a creator that has made the object but not yet sized it. */
const SIZING_WAIT_MS = 200;

interface Target {
  /** What the messages call it: `map "x" (/dev/shm/x)` or `file /tmp/f`. */
  readonly label: string;
  readonly path: string | undefined;
  /** Named objects are only ever made by a creator who sizes them at once; files may be anything. */
  readonly named: boolean;
  open(flags: number, mode: number): number;
  /** Removes what create() made, when sizing or mapping it failed. */
  remove(): void;
}

function osCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // the fd is gone either way; the error that matters is the one being thrown
  }
}

/** Sizes a new object. posix_fallocate reserves its pages now, so a full /dev/shm or disk is
 *  an error here rather than a SIGBUS at the first write; ftruncate where it is unsupported. */
function sizeNew(fd: number, size: number): void {
  try {
    native.allocate(fd, size);
    return;
  } catch (e) {
    const code = osCode(e);
    if (code !== 'ENOSYS' && code !== 'EOPNOTSUPP' && code !== 'EINVAL') throw e;
  }
  ftruncateSync(fd, size);
}

function create(target: Target, request: MapRequest): number {
  const size = request.size!;
  let fd: number;
  try {
    fd = target.open(O_RDWR | O_CREAT | O_EXCL, request.mode);
  } catch (e) {
    if (osCode(e) === 'EEXIST') throw new AlreadyExistsError(`${target.label} already exists`, { cause: e, osCode: 'EEXIST' });
    throw fromOsError(e, `cannot create ${target.label}`);
  }
  try {
    fchmodSync(fd, request.mode); // the umask must not narrow (or widen) what the caller asked for
    sizeNew(fd, size);
    return fd;
  } catch (e) {
    closeQuietly(fd);
    unlinkCreated(target);
    throw fromOsError(e, `cannot size ${target.label} to ${size} bytes`);
  }
}

function openExisting(target: Target, readOnly: boolean): number {
  try {
    return target.open(readOnly ? O_RDONLY : O_RDWR, 0);
  } catch (e) {
    if (osCode(e) === 'ENOENT') throw new NotFoundError(`${target.label} does not exist`, { cause: e, osCode: 'ENOENT' });
    if (osCode(e) === 'EISDIR') {
      throw new TwinmapError('INVALID_ARGUMENT', `${target.label} cannot be mapped: it is a directory, not a regular file`, { cause: e, osCode: 'EISDIR' });
    }
    throw fromOsError(e, `cannot open ${target.label}${readOnly ? ' for reading' : ' for reading and writing'}`);
  }
}

/** The object's size, once it is a regular, non-empty file. */
function sizeOf(fd: number, target: Target): number {
  const deadline = Date.now() + SIZING_WAIT_MS;
  for (;;) {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      const kind = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() ? 'a character device' : st.isSocket() ? 'a socket' : 'not a regular file';
      throw new TwinmapError('INVALID_ARGUMENT', `${target.label} cannot be mapped: it is ${kind}, not a regular file`);
    }
    if (st.size > 0) return st.size;
    if (Date.now() >= deadline) {
      const message = `${target.label} is empty (0 bytes): there is nothing to map`;
      throw target.named
        ? new BadHeaderError(`${message}; its creator never sized it`)
        : new TwinmapError('INVALID_ARGUMENT', `${message}; create it with a size (createFile(path, size))`);
    }
    sleepSync(2); // a creator that has just made the object sizes it within microseconds
  }
}

function openTarget(target: Target, request: MapRequest): OpenedMap {
  let fd: number | undefined;
  let created = false;
  if (request.disposition === 'create') {
    fd = create(target, request);
    created = true;
  } else if (request.disposition === 'open') {
    fd = openExisting(target, request.readOnly);
  } else {
    // openOrCreate: open, else create, else (someone created it in between) open again.
    for (let attempt = 0; fd === undefined; attempt++) {
      try {
        fd = openExisting(target, false);
      } catch (e) {
        if (!(e instanceof NotFoundError) || attempt >= 5) throw e;
        try {
          fd = create(target, request);
          created = true;
        } catch (e2) {
          if (!(e2 instanceof AlreadyExistsError)) throw e2;
        }
      }
    }
  }
  try {
    const size = created ? request.size! : sizeOf(fd, target);
    if (request.size !== undefined && size < request.size) {
      throw new TwinmapError(
        'INVALID_ARGUMENT',
        `${target.label} exists with ${size} bytes, fewer than the ${request.size} asked for; ` +
          'twinmap never resizes a map others may have mapped: open it with its own size (open()) or use another name',
      );
    }
    if (!Number.isSafeInteger(size)) throw new TwinmapError('INVALID_ARGUMENT', `${target.label} is too large to map (${size} bytes)`);
    let region;
    try {
      region = new native.Mapping(fd, size, !request.readOnly);
    } catch (e) {
      throw fromOsError(e, `cannot map ${target.label} (${size} bytes)`);
    }
    return { region, size, path: target.path, created };
  } catch (e) {
    if (created) unlinkCreated(target);
    throw e;
  } finally {
    closeQuietly(fd); // the mapping keeps the object alive; the descriptor is not needed
  }
}

function unlinkCreated(target: Target): void {
  try {
    target.remove();
  } catch {
    // best effort: the error being thrown says what went wrong
  }
}

function namedTarget(name: ParsedName): Target & { readonly shm: string } {
  const shm = `/${name.base}`;
  const path = process.platform === 'linux' ? `/dev/shm/${name.base}` : undefined;
  return {
    label: `map ${JSON.stringify(name.original)} (${path ?? `shm object ${shm}`})`,
    path,
    named: true,
    shm,
    open: (flags, mode) => native.shmOpen(shm, flags, mode),
    remove: () => native.shmUnlink(shm),
  };
}

function fileTarget(path: string): Target {
  return {
    label: `file ${path}`,
    path,
    named: false,
    // O_NONBLOCK: opening a FIFO must not wait for a writer (fstat then refuses it);
    // it changes nothing for a regular file.
    open: (flags, mode) => openSync(path, flags | O_NONBLOCK, mode),
    remove: () => unlinkSync(path),
  };
}

export const posixBackend: MapBackend = {
  openNamed: (name, request) => openTarget(namedTarget(name), request),
  openFile: (path, request) => openTarget(fileTarget(path), request),
  unlinkNamed(name) {
    const target = namedTarget(name);
    try {
      native.shmUnlink(target.shm);
      return true;
    } catch (e) {
      if (osCode(e) === 'ENOENT') return false;
      throw fromOsError(e, `cannot unlink ${target.label}`);
    }
  },
};
