// The shape of the C++ addon's exports. Each native/<platform>/<concept>.cc adds its
// functions here, in a section of its own. Errors thrown by these functions carry
// .code (errno name), .errno and .syscall, like Node's fs errors.
export interface NativeAddon {
  /** Which concept files were compiled in, e.g. ["process", "mapping", ...]. */
  readonly modules: readonly string[];
  readonly platform: 'posix' | 'win32';

  // process.cc
  getpid(): number;
  gettid(): number;
  getsid(): number;
  geteuid(): number;

  // mapping.cc
  /** mmap(fd) as an ArrayBuffer over the pages; unmap() detaches the buffer, then munmaps. */
  Mapping: new (fd: number, length: number, writable: boolean, offset?: number) => NativeMapping;
  pageSize(): number;

  // shm.cc (SharedMap's named objects)
  /** shm_open(name, flags, mode) -> fd; `name` is "/x", flags are fs.constants O_* bits. */
  shmOpen(name: string, flags: number, mode: number): number;
  /** shm_unlink(name). */
  shmUnlink(name: string): void;
  /** posix_fallocate(fd, 0, length): reserves pages now (ENOSPC instead of a later SIGBUS). ENOSYS off Linux. */
  allocate(fd: number, length: number): void;
}

export interface NativeMapping {
  /** The mapped pages; undefined after unmap(). */
  readonly buffer: ArrayBuffer | undefined;
  readonly length: number;
  readonly mapped: boolean;
  /** msync(MS_SYNC). */
  flush(): void;
  /** Idempotent. Views of `buffer` have length 0 afterwards. */
  unmap(): void;
}
