// SharedMap on Linux (the .NET twin is SharedMap.Linux.cs). A named map "x" (prefix removed) is
// the POSIX shared-memory object "/x" (/dev/shm/x); a file map is any regular file. Both are mmap'd
// MAP_SHARED, PROT_READ for read-only maps (whose pages JS never gets a writable view of).
import { constants as bufferConstants } from 'node:buffer';
import { closeSync, constants, fchmodSync, fstatSync, ftruncateSync, openSync, unlinkSync, type Stats } from 'node:fs';
import { AlreadyExistsError, BadHeaderError, NotFoundError, TooLargeError, TwinmapError, fromOsError } from '../errors.js';
import { native } from '../native.js';
import type { ParsedName } from '../names.js';
import type { MapBackend, MapRequest, OpenedMap } from './backend.js';

const { O_CREAT, O_EXCL, O_NONBLOCK, O_RDONLY, O_RDWR } = constants;

/** How long open() waits for a creator that has made the object but not yet sized it. */
const SIZING_WAIT_MS = 200;

interface Target {
  /** What the messages call it: `map "x" (/dev/shm/x)` or `file /tmp/f`. */
  readonly label: string;
  readonly path: string;
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

/** Sizes a new object. The size is set first (ftruncate), so an opener racing a large create
 *  sees it at once; then posix_fallocate reserves the pages, so a full /dev/shm or disk is an
 *  error here rather than a SIGBUS at the first write (skipped where it is unsupported). */
function sizeNew(fd: number, size: number): void {
  ftruncateSync(fd, size);
  try {
    native.allocate(fd, size);
    return;
  } catch (e) {
    const code = osCode(e);
    if (code !== 'ENOSYS' && code !== 'EOPNOTSUPP' && code !== 'EINVAL') throw e;
  }
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
    if (osCode(e) === 'ELOOP' && target.named) {
      throw new TwinmapError('PERMISSION', `${target.label} is a symbolic link (ELOOP): a named map is never opened through one`, { cause: e, osCode: 'ELOOP' });
    }
    if (osCode(e) === 'EISDIR') {
      throw new TwinmapError('INVALID_ARGUMENT', `${target.label} cannot be mapped: it is a directory, not a regular file`, { cause: e, osCode: 'EISDIR' });
    }
    throw fromOsError(e, `cannot open ${target.label}${readOnly ? ' for reading' : ' for reading and writing'}`);
  }
}

function kindOf(st: Stats): string {
  return st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() ? 'a character device' : st.isSocket() ? 'a socket' : 'not a regular file';
}

/**
 * A named object must be what twinmap's creators make: owned by the caller (or root, who could
 * write it anyway), unless the caller accepts another owner, and with one link (a hard link to
 * some other file is not a map anyone created). docs/security.md.
 */
function checkNamedOwner(st: Stats, target: Target, allowForeignOwner: boolean): void {
  const uid = process.geteuid?.();
  if (!allowForeignOwner && uid !== undefined && st.uid !== uid && st.uid !== 0) {
    throw new TwinmapError(
      'PERMISSION',
      `${target.label} is owned by uid ${st.uid}, not by this user (uid ${uid}): another user's object is not used unless allowForeignOwner: true is given`,
    );
  }
  if (st.nlink !== 1) throw new TwinmapError('PERMISSION', `${target.label} has ${st.nlink} hard links: a named map has exactly one; refusing it`);
}

/** The object's size, once it is a regular, non-empty file. */
function sizeOf(fd: number, target: Target, request: MapRequest): number {
  const deadline = Date.now() + SIZING_WAIT_MS;
  for (;;) {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new TwinmapError('INVALID_ARGUMENT', `${target.label} cannot be mapped: it is ${kindOf(st)}, not a regular file`);
    if (target.named) checkNamedOwner(st, target, request.allowForeignOwner === true);
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
    const size = created ? request.size! : sizeOf(fd, target, request);
    if (request.size !== undefined && size < request.size) {
      throw new TwinmapError(
        'INVALID_ARGUMENT',
        `${target.label} exists with ${size} bytes, fewer than the ${request.size} asked for; ` +
          'twinmap never resizes a map others may have mapped: open it with its own size (open()) or use another name',
      );
    }
    if (!Number.isSafeInteger(size) || size > bufferConstants.MAX_LENGTH) {
      // Checked before mmap: the runtime cannot hold more in one ArrayBuffer (4 GiB on Node 20).
      throw new TooLargeError(
        `${target.label} is ${size} bytes, more than this Node.js can map as one buffer (${bufferConstants.MAX_LENGTH} bytes, buffer.constants.MAX_LENGTH): map it from .NET, or use a newer Node.js`,
      );
    }
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
  const path = `/dev/shm/${name.base}`;
  return {
    label: `map ${JSON.stringify(name.original)} (${path})`,
    path,
    named: true,
    shm,
    // shm_open adds O_NOFOLLOW (a symlink is ELOOP); O_NONBLOCK: a FIFO planted at the name
    // must not wait for a writer (fstat then refuses it).
    open: (flags, mode) => native.shmOpen(shm, flags | O_NONBLOCK, mode),
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

export class LinuxMapBackend implements MapBackend {
  static readonly instance = new LinuxMapBackend();

  openNamed(name: ParsedName, request: MapRequest): OpenedMap {
    return openTarget(namedTarget(name), request);
  }

  openFile(path: string, request: MapRequest): OpenedMap {
    return openTarget(fileTarget(path), request);
  }

  unlinkNamed(name: ParsedName): boolean {
    const target = namedTarget(name);
    try {
      native.shmUnlink(target.shm);
      return true;
    } catch (e) {
      if (osCode(e) === 'ENOENT') return false;
      throw fromOsError(e, `cannot unlink ${target.label}`);
    }
  }
}
