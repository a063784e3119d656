// What .NET's shared-memory file for a named mutex says (Linux), read without taking the mutex:
// header, owner pid/tid, the abandoned flag, and whether any process still has it open (the
// same LOCK_EX|LOCK_NB probe .NET makes under its creation lock). For `twinmap inspect`.
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { isAlive } from '../liveness.js';
import { HEADER_TYPE_MUTEX, HEADER_VERSION, INVALID_PID, type MutexLayoutName, layoutFor } from '../mutex/layout.js';
import { sharedMemoryPath, shmTree, withCreationLock } from '../mutex/dotnet-shm.js';
import { native } from '../native.js';
import { parseName } from '../names.js';
import type { ProcessRef } from './inspect-map.js';

export interface MutexFileInspection {
  readonly path: string;
  /** Under /tmp/.dotnet-uid<euid> (NamedWaitHandleOptions.CurrentUserOnly). */
  readonly userScoped: boolean;
  readonly size: number;
  readonly mode: number;
  readonly uid: number;
  /** Some process has it open (holds its shared flock); false: stale, the next open removes it. */
  readonly inUse: boolean;
  /** The process that holds the lock now, per .NET's owner fields; undefined when free. */
  readonly owner: (ProcessRef & { readonly tid: number }) | undefined;
  readonly abandoned: boolean;
  readonly problems: readonly string[];
}

function readFile(path: string, userScoped: boolean, layoutName: MutexLayoutName): MutexFileInspection {
  const layout = layoutFor(layoutName);
  const tree = shmTree(userScoped);
  const problems: string[] = [];
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    const bytes = new Uint8Array(Math.min(st.size, layout.usedBytes));
    readSync(fd, bytes, 0, bytes.length, 0);
    const dv = new DataView(bytes.buffer);
    // The probe is .NET's own staleness check, made under its creation lock like .NET makes it.
    const inUse = withCreationLock(() => {
      const { LOCK_EX, LOCK_NB, LOCK_UN } = native.flockOps;
      if (!native.flock(fd, LOCK_EX | LOCK_NB)) return true;
      native.flock(fd, LOCK_UN);
      return false;
    }, tree);
    let owner: MutexFileInspection['owner'];
    let abandoned = false;
    if (bytes.length < layout.usedBytes) {
      problems.push(`${st.size} bytes, shorter than the ${layout.usedBytes} a ${layoutName} mutex needs`);
    } else {
      const type = dv.getUint8(0);
      const version = dv.getUint8(1);
      if (type !== HEADER_TYPE_MUTEX || version !== HEADER_VERSION) {
        problems.push(`header type ${type} version ${version} at offset 0, not a version-1 .NET mutex`);
      }
      const pid = dv.getUint32(layout.ownerPidOffset, true);
      const tid = layout.ownerTidBytes === 4 ? dv.getUint32(layout.ownerTidOffset, true) : Number(dv.getBigUint64(layout.ownerTidOffset, true) & 0xffffffffn);
      if (pid !== INVALID_PID && pid !== 0) {
        owner = { pid, tid, alive: isAlive(pid, 0n) };
        if (!owner.alive) problems.push(`the owner pid ${pid} is gone: the next lock reports 'abandoned' (AbandonedMutexException)`);
      }
      abandoned = dv.getUint8(layout.abandonedOffset) !== 0;
    }
    if (!inUse) problems.push('nobody has it open: it is stale, and the next open re-initialises or removes it');
    return { path, userScoped, size: st.size, mode: st.mode & 0o7777, uid: st.uid, inUse, owner, abandoned, problems };
  } finally {
    closeSync(fd);
  }
}

/** The .NET mutex files `name` can mean for this process: the shared tree and the user's tree. */
export function inspectMutex(name: string, layout: MutexLayoutName = 'net10'): MutexFileInspection[] {
  if (process.platform !== 'linux') return [];
  const parsed = parseName(name);
  const found: MutexFileInspection[] = [];
  for (const userScoped of [false, true]) {
    const path = sharedMemoryPath(parsed, shmTree(userScoped));
    if (existsSync(path)) found.push(readFile(path, userScoped, layout));
  }
  return found;
}
