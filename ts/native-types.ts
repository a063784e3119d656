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
}
