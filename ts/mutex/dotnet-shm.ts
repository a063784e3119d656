// .NET's shared-memory file protocol on Linux (CoreCLR PAL sharedmemory.cpp, .NET 6-10; .NET 11
// keeps it): the file behind a named mutex, how it is created, opened, kept alive and deleted.
//
//   /tmp/.dotnet/shm/{global | session<getsid()>}/<name>     (TMPDIR is ignored, as in .NET)
//
// Three trees use that protocol (which one a name lives in: generation.ts):
//   shared  /tmp/.dotnet                       dirs 0777, files 0666
//   uid     /tmp/.dotnet-uid<euid>             dirs 0700, files 0600 (.NET 10 CurrentUserOnly)
//   user    $XDG_RUNTIME_DIR/.dotnet, or without it
//           ~/.dotnet/corefx/Runtime/SharedMemory/.dotnet
//                                              dirs 0700, files 0600 (.NET 11's user scope)
//
// - /tmp/.dotnet and /tmp/.dotnet/shm: created race-free (mkdtemp in /tmp, chmod 0777, rename).
// - Creation/deletion lock: flock(LOCK_EX) on an fd of /tmp/.dotnet/shm, blocking, held only
//   around open/create/close. Every lock on a file is taken while holding it, non-blocking.
// - Liveness lock: each process with the file open holds flock(LOCK_SH) on it. If LOCK_EX|LOCK_NB
//   succeeds, nobody uses the file: it is stale (re-initialised on create, deleted on open).
// - Files 0666, directories 0777, chmod-ed explicitly so the umask cannot narrow them.
// - User-scoped names (.NET 10 NamedWaitHandleOptions.CurrentUserOnly) use the same protocol in
//   /tmp/.dotnet-uid<euid>/shm with files 0600, directories 0700, all owned by the euid; .NET 11
//   uses the "user" tree above the same way.
// - The file is ftruncate-d to the used size rounded up to the page size (never shrunk).
// - The last process to close unlinks the file and rmdirs the session directory.
// Verified against .NET 10.0 on x64: dirs 0777, file 0666 and 4096 bytes, no lockfiles/ directory,
// the session directory removed after the last close. Verified against .NET 11.0.0 on x64: the
// user tree as above (~/.dotnet/corefx/Runtime made with the umask, SharedMemory and below 0700),
// XDG_RUNTIME_DIR used when set and non-empty (.NET fails if it does not exist), HOME else.
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fstatSync,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  type Stats,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import { BadHeaderError, NotFoundError, TwinmapError, fromOsError } from '../errors.js';
import { native } from '../native.js';
import type { NativeMapping } from '../native-types.js';
import type { ParsedName } from '../names.js';
import { HEADER_TYPE_MUTEX, HEADER_VERSION } from './layout.js';

/** The root .NET hard-codes on Linux (not TMPDIR). Tests never change it. */
export const SHARED_FILES_ROOT = '/tmp';

/** Which of .NET's trees: see the table at the top of this file. */
export type TreeKind = 'shared' | 'uid' | 'user';

/**
 * Where .NET keeps its files: the shared tree /tmp/.dotnet (dirs 0777, files 0666), or a tree
 * private to this user (dirs 0700, files 0600, and every directory and file must belong to this
 * euid): .NET 10's /tmp/.dotnet-uid<euid> or .NET 11's per-user tree.
 */
export interface ShmTree {
  readonly kind: TreeKind;
  readonly userScope: boolean;
  readonly euid: number;
  /** The directory the tree lives in ("system directory": /tmp, $XDG_RUNTIME_DIR, ~/.dotnet/corefx/Runtime/SharedMemory). */
  readonly root: string;
  readonly runtimeDir: string;
  readonly shmDir: string;
  readonly dirMode: number;
  readonly fileMode: number;
}

/** .NET 11's per-user root: $XDG_RUNTIME_DIR when set and non-empty, else ~/.dotnet/corefx/Runtime/SharedMemory. */
export function userTreeRoot(): string {
  const xdg = process.env['XDG_RUNTIME_DIR'];
  if (xdg !== undefined && xdg !== '') return xdg;
  return `${homedir()}/.dotnet/corefx/Runtime/SharedMemory`;
}

/**
 * A tree by kind; `true`/`false` mean .NET 10's user-scoped tree / the shared tree (as
 * NamedWaitHandleOptions.CurrentUserOnly does on .NET 10). The user tree follows the
 * environment each time (XDG_RUNTIME_DIR, HOME), as a .NET process started now would.
 */
export function shmTree(kind: TreeKind | boolean = 'shared'): ShmTree {
  const k: TreeKind = kind === true ? 'uid' : kind === false ? 'shared' : kind;
  const euid = process.geteuid?.() ?? 0;
  const root = k === 'user' ? userTreeRoot() : SHARED_FILES_ROOT;
  const runtimeDir = k === 'uid' ? `${root}/.dotnet-uid${euid >>> 0}` : `${root}/.dotnet`;
  const userScope = k !== 'shared';
  return { kind: k, userScope, euid, root, runtimeDir, shmDir: `${runtimeDir}/shm`, dirMode: userScope ? 0o700 : 0o777, fileMode: userScope ? 0o600 : 0o666 };
}

let sessionId: number | undefined;
/** getsid() of this process, read once, like the PAL reads it at start-up. */
export function currentSessionId(): number {
  sessionId ??= native.getsid();
  return sessionId;
}

export function scopeDirectory(name: ParsedName, tree: ShmTree = shmTree()): string {
  return `${tree.shmDir}/${name.scope === 'global' ? 'global' : `session${currentSessionId()}`}`;
}

/** The file .NET uses for this name, e.g. /tmp/.dotnet/shm/session1234/x. */
export function sharedMemoryPath(name: ParsedName, tree: ShmTree = shmTree()): string {
  return `${scopeDirectory(name, tree)}/${name.base}`;
}

function errno(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/** A user-scoped directory or file someone else owns is refused, as .NET refuses it. */
function checkOwner(path: string, uid: number, tree: ShmTree): void {
  if (tree.userScope && uid !== tree.euid) {
    throw new TwinmapError('PERMISSION', `${path} belongs to uid ${uid}, not to this user (euid ${tree.euid}); a user-scoped name needs its own files`);
  }
}

const { O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = constants;

/**
 * A directory of the tree is trusted only if it is a real directory (never a symlink: another
 * user could point it at a directory root owns) owned by this user or root (user trees: this
 * user only). Checked on what an fd refers to, so nothing can be swapped in between.
 */
function checkDirectoryStat(path: string, st: Stats, tree: ShmTree): void {
  if (st.isSymbolicLink()) throw new TwinmapError('PERMISSION', `${path} is a symbolic link: twinmap never follows one in .NET's mutex tree`);
  if (!st.isDirectory()) throw new TwinmapError('PERMISSION', `${path} exists and is not a directory`);
  checkOwner(path, st.uid, tree);
  if (st.uid !== tree.euid && st.uid !== 0) {
    throw new TwinmapError('PERMISSION', `${path} belongs to uid ${st.uid}, neither this user (uid ${tree.euid}) nor root: refusing to use it`);
  }
}

/** A mode that is not the tree's is left alone (never chmod what this process did not create). */
function checkDirectoryMode(path: string, st: Stats, tree: ShmTree): void {
  if ((st.mode & 0o777) === tree.dirMode) return;
  // .NET's last resort in the shared tree is the same: owner rwx is enough.
  if (tree.userScope || (st.mode & 0o700) !== 0o700) {
    throw new TwinmapError('PERMISSION', `${path} has mode ${(st.mode & 0o777).toString(8)}, not ${tree.dirMode.toString(8)}; twinmap does not change a directory it did not create`);
  }
}

/** The path of `name` inside the directory open as `dirFd`: resolved through the fd, not the path. */
function inDir(dirFd: number, dirPath: string, name: string): string {
  return procFd ? `/proc/self/fd/${dirFd}/${name}` : `${dirPath}/${name}`;
}
const procFd = existsSync('/proc/self/fd');

/** Opens a directory without following a symlink at its last component, then checks the fd. */
function openDirectory(path: string, via: string, tree: ShmTree): number {
  let fd: number;
  try {
    fd = openSync(via, constants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  } catch (e) {
    if (errno(e) === 'ELOOP') throw new TwinmapError('PERMISSION', `${path} is a symbolic link: twinmap never follows one in .NET's mutex tree`, { cause: e, osCode: 'ELOOP' });
    if (errno(e) === 'ENOTDIR') {
      // O_DIRECTORY | O_NOFOLLOW reports a symlink as ENOTDIR: say which it is.
      const link = lstatSync(via, { throwIfNoEntry: false })?.isSymbolicLink() === true;
      throw new TwinmapError('PERMISSION', link ? `${path} is a symbolic link: twinmap never follows one in .NET's mutex tree` : `${path} exists and is not a directory`, { cause: e, osCode: 'ENOTDIR' });
    }
    throw fromOsError(e, `open ${path}`);
  }
  try {
    checkDirectoryStat(path, fstatSync(fd), tree);
    return fd;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Makes .dotnet[-uid<euid>] or its shm/ exist with the tree's mode, without any lock (as .NET does). */
function ensureOpenDirectory(path: string, tree: ShmTree): void {
  try {
    const st = lstatSync(path);
    checkDirectoryStat(path, st, tree);
    checkDirectoryMode(path, st, tree);
    return;
  } catch (e) {
    if (errno(e) !== 'ENOENT') throw e instanceof TwinmapError ? e : fromOsError(e, `stat ${path}`);
  }
  // Race-free creation: a private temp directory gets the right mode first, then takes the name.
  // (In the parent, so the rename stays on one filesystem: the user tree may be in $HOME.)
  const temp = mkdtempSync(`${tree.kind === 'user' ? dirname(path) : SHARED_FILES_ROOT}/.dotnet.`);
  try {
    chmodSync(temp, tree.dirMode);
    renameSync(temp, path);
  } catch {
    try {
      rmdirSync(temp);
    } catch {
      // already gone
    }
    const st = lstatSync(path);
    checkDirectoryStat(path, st, tree);
    checkDirectoryMode(path, st, tree);
  }
}

/**
 * Session or global directory, under the creation/deletion lock: the fd of the directory
 * (checked: no symlink, right owner, right mode), or undefined if it is absent and not to be made.
 * A directory made here gets its mode through that fd (mkdir, then fchmod: the umask must not
 * narrow it), so nothing swapped in between is chmod-ed.
 */
function openScopeDirectory(path: string, create: boolean, tree: ShmTree, shmFd: number): number | undefined {
  const via = inDir(shmFd, tree.shmDir, path.slice(path.lastIndexOf('/') + 1));
  let made = false;
  if (create) {
    try {
      mkdirSync(via, tree.dirMode);
      made = true;
    } catch (e) {
      if (errno(e) !== 'EEXIST') throw fromOsError(e, `mkdir ${path}`);
    }
  }
  let fd: number;
  try {
    fd = openDirectory(path, via, tree);
  } catch (e) {
    if (!create && e instanceof NotFoundError) return undefined;
    throw e;
  }
  try {
    if (made) fchmodSync(fd, tree.dirMode);
    else checkDirectoryMode(path, fstatSync(fd), tree);
    return fd;
  } catch (e) {
    closeSync(fd);
    throw e instanceof TwinmapError ? e : fromOsError(e, `chmod ${path}`);
  }
}

/**
 * The root (/tmp, $XDG_RUNTIME_DIR) is never created or changed; the user tree also needs it
 * sticky, or private to us. Without XDG_RUNTIME_DIR .NET 11 makes ~/.dotnet/corefx/Runtime (with
 * the umask) and SharedMemory in it (0700); so do we.
 */
function checkSystemDirectory(tree: ShmTree): void {
  if (tree.kind === 'user' && tree.root !== process.env['XDG_RUNTIME_DIR']) {
    mkdirSync(dirname(tree.root), { recursive: true });
    ensureOpenDirectory(tree.root, tree);
  }
  let st;
  try {
    st = statSync(tree.root);
  } catch (e) {
    const why = tree.kind === 'user' && tree.root === process.env['XDG_RUNTIME_DIR'] ? ' (XDG_RUNTIME_DIR; .NET 11 fails the same way)' : '';
    throw fromOsError(e, `stat ${tree.root}${why}`);
  }
  if (!st.isDirectory()) throw new TwinmapError('OS', `${tree.root} is not a directory`);
  if ((st.mode & 0o700) !== 0o700) {
    throw new TwinmapError('PERMISSION', `${tree.root} lacks owner rwx; .NET cannot use it either`);
  }
  if (tree.userScope && (st.mode & 0o1000) === 0 && (st.uid !== tree.euid || (st.mode & 0o022) !== 0)) {
    throw new TwinmapError('PERMISSION', `${tree.root} is neither sticky nor private to this user; .NET refuses user-scoped names there too`);
  }
}

const shmDirFds = new Map<string, number>();
/** The fd whose flock is the tree's creation/deletion lock; opened once, kept for the process. */
function creationLockFd(tree: ShmTree): number {
  let fd = shmDirFds.get(tree.shmDir);
  if (fd === undefined) {
    checkSystemDirectory(tree);
    ensureOpenDirectory(tree.runtimeDir, tree);
    const runtimeFd = openDirectory(tree.runtimeDir, tree.runtimeDir, tree);
    try {
      ensureOpenDirectory(tree.shmDir, tree);
      // Opened through the runtime directory's fd, so a swap of either path changes nothing.
      fd = openDirectory(tree.shmDir, inDir(runtimeFd, tree.runtimeDir, 'shm'), tree); // libuv adds O_CLOEXEC
    } finally {
      closeSync(runtimeFd);
    }
    native.closeAtExit(fd); // a terminated worker does not close its fds
    shmDirFds.set(tree.shmDir, fd);
  }
  return fd;
}

// The Windows addon has no flock (this file is never used there, but it is imported).
const { LOCK_EX, LOCK_SH, LOCK_UN, LOCK_NB } = (native.flockOps as typeof native.flockOps | undefined) ?? { LOCK_EX: 2, LOCK_SH: 1, LOCK_UN: 8, LOCK_NB: 4 };

/**
 * Runs fn under .NET's creation/deletion lock. Anything that adds or removes files in a scope
 * directory must hold it: the last user of a mutex removes its (then empty) session directory.
 * Exported for tests that plant files where a mutex would be.
 */
export function withCreationLock<T>(fn: () => T, tree: ShmTree = shmTree()): T {
  const fd = creationLockFd(tree);
  native.flock(fd, LOCK_EX);
  try {
    return fn();
  } finally {
    native.flock(fd, LOCK_UN);
  }
}

/**
 * True when some process has `path` open (holds its LOCK_SH): the probe .NET makes, under the
 * tree's creation lock, but creating nothing. False when the file, or the tree, is absent or
 * stale. For the generation check (generation.ts) and `twinmap inspect`.
 */
export function isInUse(path: string, tree: ShmTree): boolean {
  let dirFd: number;
  try {
    dirFd = shmDirFds.get(tree.shmDir) ?? openSync(tree.shmDir, constants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  } catch (e) {
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR' || errno(e) === 'ELOOP') return false;
    throw fromOsError(e, `open ${tree.shmDir}`);
  }
  const own = !shmDirFds.has(tree.shmDir);
  try {
    native.flock(dirFd, LOCK_EX);
    let fd: number;
    try {
      // Never through a symlink, never waiting on a FIFO: what is not a regular file is no mutex
      // in use (the open that follows reports what it is).
      fd = openSync(path, constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    } catch (e) {
      if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR' || errno(e) === 'ELOOP') return false;
      throw fromOsError(e, `open ${path}`);
    }
    try {
      if (!fstatSync(fd).isFile()) return false;
      if (!native.flock(fd, LOCK_EX | LOCK_NB)) return true;
      native.flock(fd, LOCK_UN);
      return false;
    } finally {
      closeSync(fd);
    }
  } finally {
    if (own) closeSync(dirFd); // closing drops the lock
    else native.flock(dirFd, LOCK_UN);
  }
}

export interface OpenOptions {
  /** Create the file if it does not exist (or is stale). */
  readonly create: boolean;
  /** Bytes of header + shared data; the file must have at least this many. */
  readonly usedBytes: number;
  /** Runs on a new (or stale, zeroed) file while the creation lock is still held. */
  readonly initialize: (view: DataView, buffer: ArrayBuffer) => void;
  /** Which of .NET's trees (default: the shared one of the old overloads). */
  readonly tree?: ShmTree;
}

/** One open .NET shared-memory file: the fd holding LOCK_SH and its mapping. */
export class SharedMemoryFile {
  private constructor(
    readonly path: string,
    readonly scopeDir: string,
    private readonly tree: ShmTree,
    private readonly fd: number,
    private readonly mapping: NativeMapping,
    /** True when this open created (or re-initialised a stale) file, like .NET's createdNew. */
    readonly created: boolean,
  ) {}

  get buffer(): ArrayBuffer {
    const b = this.mapping.buffer;
    if (b === undefined) throw new TwinmapError('CLOSED', `${this.path} is closed`);
    return b;
  }

  /**
   * Opens (or creates) the file for `name`, following .NET's protocol step by step.
   * Throws NotFoundError when opening something absent or stale, BadHeaderError when the file
   * is too short or its header is not a version-1 mutex.
   */
  static open(name: ParsedName, options: OpenOptions): SharedMemoryFile {
    const tree = options.tree ?? shmTree();
    const scopeDir = scopeDirectory(name, tree);
    const path = `${scopeDir}/${name.base}`;
    return withCreationLock(() => {
      const dirFd = openScopeDirectory(scopeDir, options.create, tree, creationLockFd(tree));
      if (dirFd === undefined) {
        throw new NotFoundError(`named mutex ${JSON.stringify(name.original)} does not exist (no ${scopeDir})`);
      }
      // The file is opened through the directory's fd, never through a symlink (O_NOFOLLOW),
      // never waiting on a FIFO (O_NONBLOCK), and checked to be a regular file with one link.
      const filePath = inDir(dirFd, scopeDir, name.base);
      let fd: number;
      let created = false;
      try {
        try {
          fd = openSync(filePath, constants.O_RDWR | O_NOFOLLOW | O_NONBLOCK);
        } catch (e) {
          if (errno(e) !== 'ENOENT') throw mutexFileError(e, path, name);
          if (!options.create) throw new NotFoundError(`named mutex ${JSON.stringify(name.original)} does not exist (no ${path})`, { osCode: 'ENOENT' });
          try {
            fd = openSync(filePath, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW | O_NONBLOCK, tree.fileMode);
          } catch (e2) {
            throw mutexFileError(e2, path, name);
          }
          fchmodSync(fd, tree.fileMode); // defeat the umask, as .NET does
          created = true;
        }
      } finally {
        closeSync(dirFd);
      }
      const fileStat = fstatSync(fd);
      if (!fileStat.isFile() || fileStat.nlink !== 1) {
        closeSync(fd);
        const what = fileStat.isFile() ? `a file with ${fileStat.nlink} hard links` : fileStat.isFIFO() ? 'a FIFO' : 'not a regular file';
        throw new BadHeaderError(`named mutex ${JSON.stringify(name.original)}: ${path} is ${what}, not a .NET mutex file`);
      }
      if (!created && tree.userScope) {
        // .NET opens a user-scoped file only if it is ours and private (0600).
        const st = fstatSync(fd);
        if (st.uid !== tree.euid || (st.mode & 0o777) !== tree.fileMode) {
          closeSync(fd);
          throw new TwinmapError(
            'PERMISSION',
            `named mutex ${JSON.stringify(name.original)}: ${path} has uid ${st.uid} and mode ${(st.mode & 0o777).toString(8)}; a user-scoped mutex file must belong to euid ${tree.euid} with mode 600`,
          );
        }
      }
      let mapping: NativeMapping | undefined;
      try {
        let clear = false;
        if (!created && native.flock(fd, LOCK_EX | LOCK_NB)) {
          // Nobody holds LOCK_SH: the file is stale (its users died or were killed).
          native.flock(fd, LOCK_UN);
          if (!options.create) {
            closeSync(fd);
            fd = -1;
            removeFile(path, scopeDir, tree);
            throw new NotFoundError(`named mutex ${JSON.stringify(name.original)} does not exist (${path} was stale and is removed)`);
          }
          created = true;
          clear = true;
        }
        const total = Math.ceil(options.usedBytes / native.pageSize()) * native.pageSize();
        const size = fstatSync(fd).size;
        if (created) {
          if (size < total) ftruncateSync(fd, total);
        } else if (size < options.usedBytes) {
          throw new BadHeaderError(
            `named mutex file ${path} is ${size} bytes, shorter than the ${options.usedBytes} bytes a mutex needs`,
          );
        } else if (size < total) {
          ftruncateSync(fd, total);
        }
        if (!native.flock(fd, LOCK_SH | LOCK_NB)) {
          throw new TwinmapError('OS', `flock(LOCK_SH) on ${path} failed: another process holds it exclusively`);
        }
        mapping = new native.Mapping(fd, total, true);
        const buffer = mapping.buffer!;
        const view = new DataView(buffer);
        if (created) {
          if (clear) new Uint8Array(buffer, 0, options.usedBytes).fill(0);
          view.setUint8(0, HEADER_TYPE_MUTEX);
          view.setUint8(1, HEADER_VERSION);
          options.initialize(view, buffer);
        } else {
          // Only bytes 0 and 1 are checked: .NET leaves bytes 2..7 unwritten, and a real .NET 10 file
          // has non-zero garbage there (seen: 00 01 02 2d e0 7f 00 00).
          const type = view.getUint8(0);
          const version = view.getUint8(1);
          if (type !== HEADER_TYPE_MUTEX || version !== HEADER_VERSION) {
            throw new BadHeaderError(
              `named mutex file ${path} has header type ${type} version ${version} at offset 0; expected type ${HEADER_TYPE_MUTEX} (mutex) version ${HEADER_VERSION}`,
            );
          }
        }
        // A terminated worker would otherwise keep the fd, and its LOCK_SH, until the process ends.
        native.closeAtExit(fd);
        return new SharedMemoryFile(path, scopeDir, tree, fd, mapping, created);
      } catch (e) {
        mapping?.unmap();
        if (fd >= 0) closeSync(fd);
        if (created) removeFile(path, scopeDir, tree);
        throw e instanceof TwinmapError ? e : fromOsError(e, `open named mutex file ${path}`);
      }
    }, tree);
  }

  /**
   * Closes this process's use of the file. `beforeUnmap(lastUser)` runs under the creation
   * lock while the memory is still mapped (abandon a held lock; destroy the mutex if last).
   * The last user deletes the file and its session directory.
   */
  close(beforeUnmap: (lastUser: boolean, buffer: ArrayBuffer) => void): void {
    withCreationLock(() => {
      native.flock(this.fd, LOCK_UN);
      const lastUser = native.flock(this.fd, LOCK_EX | LOCK_NB);
      try {
        beforeUnmap(lastUser, this.buffer);
      } finally {
        this.mapping.unmap();
        native.keepAtExit(this.fd);
        closeSync(this.fd);
        if (lastUser) removeFile(this.path, this.scopeDir, this.tree);
      }
    }, this.tree);
  }
}

/**
 * Deletes a mutex file, then its scope directory if that is now empty, both through the fds of
 * their (checked) directories: a directory swapped for a symlink meanwhile deletes nothing elsewhere.
 */
function removeFile(path: string, scopeDir: string, tree: ShmTree): void {
  const shmFd = creationLockFd(tree);
  let dirFd: number;
  try {
    dirFd = openDirectory(scopeDir, inDir(shmFd, tree.shmDir, scopeDir.slice(scopeDir.lastIndexOf('/') + 1)), tree);
  } catch {
    return; // gone, or no longer ours to touch
  }
  try {
    tryUnlink(inDir(dirFd, scopeDir, path.slice(path.lastIndexOf('/') + 1)));
  } finally {
    closeSync(dirFd);
  }
  tryRmdir(inDir(shmFd, tree.shmDir, scopeDir.slice(scopeDir.lastIndexOf('/') + 1))); // fails quietly while other names live there
}

/** An open of the mutex file failed: a typed error naming the path. */
function mutexFileError(e: unknown, path: string, name: ParsedName): TwinmapError {
  const code = errno(e);
  if (code === 'ELOOP') return new TwinmapError('PERMISSION', `named mutex ${JSON.stringify(name.original)}: ${path} is a symbolic link (ELOOP); twinmap never opens a mutex file through one`, { cause: e, osCode: code });
  if (code === 'EISDIR') return new BadHeaderError(`named mutex ${JSON.stringify(name.original)}: ${path} is a directory, not a .NET mutex file`, { cause: e });
  return fromOsError(e, `open ${path}`);
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function tryRmdir(path: string): void {
  try {
    rmdirSync(path);
  } catch {
    // not empty, or gone
  }
}
