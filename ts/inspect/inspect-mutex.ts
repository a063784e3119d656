// What .NET's shared-memory file for a named mutex says (Linux), read without taking the mutex:
// header, owner pid/tid, the abandoned flag, and whether any process still has it open (the
// same LOCK_EX|LOCK_NB probe .NET makes under its creation lock). For `twinmap inspect`, which
// looks in every tree a .NET generation may use for the name (generation.ts), creating nothing.
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { isAlive } from '../liveness/liveness.js';
import { HEADER_TYPE_MUTEX, HEADER_VERSION, INVALID_PID, dotnetLayout } from '../mutex/layout.js';
import { type ShmTree, type TreeKind, isInUse, sharedMemoryPath, shmTree } from '../mutex/dotnet-shm.js';
import { parseName } from '../names.js';
import type { ProcessRef } from './inspect-map.js';

/** Who uses each tree (docs/mutex.md). */
export const TREE_USERS: Readonly<Record<TreeKind, string>> = {
  shared: '.NET 6-10 new Mutex(false, name); .NET 11 with CurrentUserOnly = false or UnsafeDefaultMutexScopeGlobal',
  uid: '.NET 10 NamedWaitHandleOptions.CurrentUserOnly',
  user: '.NET 11 new Mutex(false, name) and CurrentUserOnly',
};

export interface MutexFileInspection {
  readonly path: string;
  /** Which tree: shared (/tmp/.dotnet), uid (/tmp/.dotnet-uid<euid>), user (.NET 11's per-user tree). */
  readonly tree: TreeKind;
  /** Who makes files there, e.g. ".NET 11 new Mutex(false, name) and CurrentUserOnly". */
  readonly usedBy: string;
  /** In a tree private to this user (uid or user). */
  readonly userScoped: boolean;
  readonly size: number;
  readonly mode: number;
  readonly uid: number;
  /** Some process has it open (holds its shared flock); false: stale, the next open removes it. */
  readonly inUse: boolean;
  /**
   * The process that holds the lock now, per .NET's owner fields; undefined when free.
   * `osThread`: tid is a live thread of that process (.NET 6-10 and twinmap write the OS tid);
   * false: it is not (.NET 11 writes its managed thread id, 1 for the main thread).
   */
  readonly owner: (ProcessRef & { readonly tid: number; readonly osThread: boolean }) | undefined;
  readonly abandoned: boolean;
  readonly problems: readonly string[];
}

function readFile(path: string, tree: ShmTree): MutexFileInspection {
  const layout = dotnetLayout();
  const problems: string[] = [];
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    const bytes = new Uint8Array(Math.min(st.size, layout.usedBytes));
    readSync(fd, bytes, 0, bytes.length, 0);
    const dv = new DataView(bytes.buffer);
    const inUse = isInUse(path, tree);
    let owner: MutexFileInspection['owner'];
    let abandoned = false;
    if (bytes.length < layout.usedBytes) {
      problems.push(`${st.size} bytes, shorter than the ${layout.usedBytes} a .NET mutex needs`);
    } else {
      const type = dv.getUint8(0);
      const version = dv.getUint8(1);
      if (type !== HEADER_TYPE_MUTEX || version !== HEADER_VERSION) {
        problems.push(`header type ${type} version ${version} at offset 0, not a version-1 .NET mutex`);
      }
      const pid = dv.getUint32(layout.ownerPidOffset, true);
      const tid = Number(dv.getBigUint64(layout.ownerTidOffset, true) & 0xffffffffn);
      if (pid !== INVALID_PID && pid !== 0) {
        const alive = isAlive(pid, 0n);
        owner = { pid, tid, alive, osThread: alive && existsSync(`/proc/${pid}/task/${tid}`) };
        if (!alive) problems.push(`the owner pid ${pid} is gone: the next lock reports 'abandoned' (AbandonedMutexException)`);
      }
      abandoned = dv.getUint8(layout.abandonedOffset) !== 0;
    }
    if (!inUse) problems.push('nobody has it open: it is stale, and the next open re-initialises or removes it');
    return { path, tree: tree.kind, usedBy: TREE_USERS[tree.kind], userScoped: tree.userScope, size: st.size, mode: st.mode & 0o7777, uid: st.uid, inUse, owner, abandoned, problems };
  } finally {
    closeSync(fd);
  }
}

/** The .NET mutex files `name` can mean for this process, in every tree (shared, uid, user). */
export function inspectMutex(name: string): MutexFileInspection[] {
  if (process.platform !== 'linux') return [];
  const parsed = parseName(name);
  const found: MutexFileInspection[] = [];
  for (const kind of ['shared', 'uid', 'user'] as const) {
    const tree = shmTree(kind);
    const path = sharedMemoryPath(parsed, tree);
    if (existsSync(path)) found.push(readFile(path, tree));
  }
  return found;
}
