// Linux backend: the named mutex is .NET's shared-memory file (dotnet-shm.ts) holding a robust,
// process-shared, recursive pthread mutex and the owner fields (layout.ts), in the tree of the
// .NET generation it meets (generation.ts).
//
// Owner fields are written like .NET writes them, while the lock is held (so no other process
// reads them concurrently in a way that matters): pid = getpid(), tid = gettid() of the thread
// that holds the pthread mutex (the JS thread for lock(), the holder thread for lockOnThread()),
// and the "invalid" values (all ones) on release. After every acquire the isAbandoned flag is
// read and cleared: a live .NET process sets it when it closes its last handle, or its thread
// ends, while holding the lock.
import { endianness } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { BadHeaderError, ClosedError, NotFoundError, TwinmapError, fromOsError } from '../errors.js';
import { native } from '../native.js';
import type { ParsedName } from '../names.js';
import type { Acquired, BackendOptions, Hold, Located, MutexBackend, OsMutex, PendingLock } from './backend.js';
import { type ShmTree, SharedMemoryFile } from './dotnet-shm.js';
import { choosePlacement, placementFor } from './generation.js';
import { INVALID_PID, type MutexLayout, dotnetLayout } from './layout.js';

const LE = endianness() === 'LE';

/** Owner/abandoned field access for one layout over one mapping. */
export class OwnerFields {
  constructor(
    private readonly layout: MutexLayout,
    private readonly view: DataView,
  ) {}

  setOwner(pid: number, tid: number): void {
    this.view.setUint32(this.layout.ownerPidOffset, pid, LE);
    this.setTid(tid, 0);
  }

  clearOwner(): void {
    this.view.setUint32(this.layout.ownerPidOffset, INVALID_PID, LE);
    this.setTid(0xffff_ffff, 0xffff_ffff); // uint64 -1
  }

  // A tid fits in 32 bits (Linux pid_max <= 2^22); the u64 field is written as two u32 halves,
  // which avoids BigInt on the lock path.
  private setTid(low: number, high: number): void {
    const off = this.layout.ownerTidOffset;
    this.view.setUint32(LE ? off : off + 4, low, LE);
    this.view.setUint32(LE ? off + 4 : off, high, LE);
  }

  get abandoned(): boolean {
    return this.view.getUint8(this.layout.abandonedOffset) !== 0;
  }

  set abandoned(value: boolean) {
    this.view.setUint8(this.layout.abandonedOffset, value ? 1 : 0);
  }
}

function checkPlatform(): void {
  if (process.platform !== 'linux') {
    throw new TwinmapError(
      'UNSUPPORTED',
      `named mutexes compatible with .NET are not supported on ${process.platform} yet (.NET uses file locks there, not pthread mutexes)`,
    );
  }
  // .NET 6-10 on Linux arm/arm64 is built without pthread named mutexes (file locks instead), as
  // far as its build scripts show; only x64 is verified against live runtimes here.
  if (process.arch !== 'x64') {
    throw new TwinmapError('UNSUPPORTED', `named mutexes compatible with .NET are only supported on linux/x64 (verified where .NET uses a pthread mutex), not linux/${process.arch}`);
  }
}

let expectedKind: number | undefined;
/** The kind word of a mutex made with .NET's attributes here (glibc: 0x91, as in .NET's files). */
function ourKind(): number {
  if (expectedKind === undefined) {
    const scratch = new ArrayBuffer(native.mutexSize + 8);
    native.mutexInit(scratch, 0);
    expectedKind = native.mutexKind(scratch, 0);
    native.mutexDestroy(scratch, 0);
  }
  return expectedKind;
}

let jsThreadTid: number | undefined;
const jsTid = (): number => (jsThreadTid ??= native.gettid());
const PID = native.getpid();

class LinuxMutex implements OsMutex {
  private readonly fields: OwnerFields;
  private readonly buffer: ArrayBuffer;
  private closed = false;
  /** The hold of the JS thread: one object, reused by every lock() (no allocation per lock). */
  private readonly jsHold: Hold;

  constructor(
    private readonly file: SharedMemoryFile,
    private readonly layout: MutexLayout,
  ) {
    this.buffer = file.buffer;
    this.fields = new OwnerFields(layout, new DataView(this.buffer));
    const buffer = this.buffer;
    const fields = this.fields;
    const off = layout.mutexOffset;
    this.jsHold = {
      tid: jsTid(),
      release() {
        fields.clearOwner();
        native.mutexUnlock(buffer, off);
      },
      abandon() {
        fields.abandoned = true;
        fields.clearOwner();
        native.mutexUnlock(buffer, off);
      },
    };
  }

  get created(): boolean {
    return this.file.created;
  }

  get where(): string {
    return this.file.path;
  }

  /** After the pthread lock is taken by thread `hold.tid`: owner fields and the abandoned flag. */
  private taken(ownerDied: boolean, hold: Hold): Acquired {
    this.fields.setOwner(PID, hold.tid);
    let abandoned = ownerDied;
    if (this.fields.abandoned) {
      this.fields.abandoned = false;
      abandoned = true;
    }
    if (!abandoned && hold === this.jsHold) return this.jsAcquired;
    return { result: abandoned ? 'abandoned' : 'acquired', hold };
  }

  private get jsAcquired(): Acquired {
    return (this.jsAcquiredCache ??= { result: 'acquired', hold: this.jsHold });
  }
  private jsAcquiredCache: Acquired | undefined;

  lock(timeoutMs: number): Acquired | 'timeout' {
    this.check();
    if (!isMainThread) return this.lockOnSyncHolder(timeoutMs);
    const off = this.layout.mutexOffset;
    let code;
    try {
      code = native.mutexLock(this.buffer, off, timeoutMs);
      if (code === 1) native.mutexConsistent(this.buffer, off);
    } catch (e) {
      throw fromOsError(e, `lock ${this.where}`);
    }
    if (code === 2) return 'timeout';
    return this.taken(code === 1, this.jsHold);
  }

  /**
   * In a worker thread the lock is held by a holder thread even for lock(): terminating a worker
   * unmaps its memory before its thread dies, so a lock owned by the worker's own thread would
   * never be marked owner-died and would stay locked for everyone. A holder thread is stopped
   * first (the lock is then abandoned, as .NET does for a thread that ends holding it).
   */
  private lockOnSyncHolder(timeoutMs: number): Acquired | 'timeout' {
    const h = new native.MutexHolder(this.buffer, this.layout.mutexOffset, timeoutMs, null);
    const [kind, code, tid, errorCode] = h.wait();
    if (kind === 'timeout') return 'timeout';
    if (kind !== 'locked') {
      throw fromOsError(Object.assign(new Error(`pthread_mutex_timedlock ${errorCode}`), { code: errorCode }), `lock ${this.where}`);
    }
    return this.taken(code === 1, this.holderHold(h, tid));
  }

  private holderHold(h: InstanceType<typeof native.MutexHolder>, tid: number): Hold {
    const fields = this.fields;
    return {
      tid,
      release() {
        fields.clearOwner();
        h.release();
      },
      abandon() {
        fields.abandoned = true;
        fields.clearOwner();
        h.release();
      },
    };
  }

  lockOnThread(timeoutMs: number): PendingLock {
    this.check();
    let cancelled = false;
    let holder: InstanceType<typeof native.MutexHolder> | undefined;
    const promise = new Promise<Acquired | 'timeout'>((resolve, reject) => {
      holder = new native.MutexHolder(this.buffer, this.layout.mutexOffset, timeoutMs, (kind, code, tid, errorCode) => {
        const h = holder!;
        if (kind !== 'locked') {
          h.join();
          if (kind === 'timeout') resolve('timeout');
          else if (kind === 'cancelled') reject(new ClosedError(`named mutex ${this.where}`));
          else reject(fromOsError(Object.assign(new Error(`pthread_mutex_timedlock ${errorCode}`), { code: errorCode }), `lock ${this.where}`));
          return;
        }
        if (cancelled) {
          // Taken just before the thread saw cancel(): give it back untouched.
          h.release();
          reject(new ClosedError(`named mutex ${this.where}`));
          return;
        }
        resolve(this.taken(code === 1, this.holderHold(h, tid)));
      });
    });
    return {
      promise,
      cancel: () => {
        cancelled = true;
        holder?.cancel();
      },
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.file.close((lastUser, buffer) => {
      if (lastUser) native.mutexDestroy(buffer, this.layout.mutexOffset);
    });
  }

  private check(): void {
    if (this.closed) throw new ClosedError(`named mutex ${this.where}`);
  }
}

function openFile(name: ParsedName, create: boolean, tree: ShmTree, layout: MutexLayout): SharedMemoryFile {
  return SharedMemoryFile.open(name, {
    create,
    tree,
    usedBytes: layout.usedBytes,
    initialize: (view, buffer) => {
      native.mutexInit(buffer, layout.mutexOffset);
      const fields = new OwnerFields(layout, view);
      fields.clearOwner();
      fields.abandoned = false;
    },
  });
}

export class LinuxMutexBackend implements MutexBackend {
  static readonly instance = new LinuxMutexBackend();

  locate(name: ParsedName, options: BackendOptions, openHere: (key: string) => boolean): Located {
    checkPlatform();
    const p = choosePlacement(name, options.dotnet, options.currentUserOnly, openHere);
    return { key: p.path, dotnet: p.generation };
  }

  open(name: ParsedName, create: boolean, options: BackendOptions, at: Located): OsMutex {
    checkPlatform();
    const layout = dotnetLayout();
    const { tree } = placementFor(name, at.dotnet, options.currentUserOnly);
    let file: SharedMemoryFile;
    try {
      file = openFile(name, create, tree, layout);
    } catch (e) {
      if (e instanceof NotFoundError && options.dotnet === undefined) {
        const other = placementFor(name, at.dotnet === 'net10' ? 'net11' : 'net10', options.currentUserOnly);
        if (other.path !== at.key) {
          throw new NotFoundError(`${e.message}; nor does any process have it open as ${other.generation} (${other.path})`, { cause: e });
        }
      }
      throw e;
    }
    if (!file.created) {
      // A peer's garbage must not reach pthread (it could hang or corrupt): the mutex in the file
      // must be the robust, process-shared, recursive kind .NET creates.
      const kind = native.mutexKind(file.buffer, layout.mutexOffset);
      if (kind !== ourKind()) {
        file.close(() => undefined);
        throw new BadHeaderError(
          `named mutex file ${file.path}: the pthread mutex at offset ${layout.mutexOffset} has kind 0x${(kind >>> 0).toString(16)}, ` +
            `not the robust process-shared recursive kind 0x${ourKind().toString(16)} .NET creates`,
        );
      }
    }
    return new LinuxMutex(file, layout);
  }
}
