// SharedMap: a named or file-backed memory mapping that another process (Node or .NET) maps
// too. The memory is exposed without copying: `buffer`, `bytes`, `view` are over the mapped
// pages themselves. C# twin: dotnet/Twinmap/SharedMap.cs.
import { ClosedError, ReadOnlyError, TwinmapError } from '../errors.js';
import { parseName, quoteName } from '../names.js';
import { mapBackend, type MapBackend, type MapRegion, type MapRequest, type OpenedMap } from './backend.js';
import { ReadOnlyView, type ReadableView } from './readable-view.js';

export interface CreateMapOptions {
  /** Bytes; a positive integer. The map has exactly this size. */
  size: number;
  /** Permission bits of the new object or file; default 0o600 (owner only), set regardless of the umask. */
  mode?: number;
  /** openOrCreate of a name: use an existing object owned by another user (default false: PERMISSION error). */
  allowForeignOwner?: boolean;
}

export interface OpenMapOptions {
  /** Map the pages PROT_READ: no writable view is handed out (see `reader`). */
  readOnly?: boolean;
  /**
   * Named maps: use an object owned by another user (not this user, not root). Default false:
   * such an object is a PERMISSION error, since anyone who can create the name could have planted it.
   */
  allowForeignOwner?: boolean;
}

export const DEFAULT_MODE = 0o600;

function checkSize(size: unknown, what: string): number {
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size <= 0) {
    throw new TwinmapError('INVALID_ARGUMENT', `${what}: size must be a positive integer number of bytes, got ${String(size)}`);
  }
  return size;
}

function checkMode(mode: unknown, what: string): number {
  if (mode === undefined) return DEFAULT_MODE;
  if (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    throw new TwinmapError('INVALID_ARGUMENT', `${what}: mode must be permission bits between 0 and 0o777, got ${String(mode)}`);
  }
  return mode;
}

function checkFlag(value: unknown, option: string, what: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TwinmapError('INVALID_ARGUMENT', `${what}: option ${option} must be a boolean, got ${typeof value} ${String(value)}`);
  return value;
}

function checkOptions<T>(options: T, what: string): T {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TwinmapError('INVALID_ARGUMENT', `${what}: options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  return options;
}

function checkPath(path: unknown, what: string): string {
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) {
    throw new TwinmapError('INVALID_ARGUMENT', `${what}: path must be a non-empty string without NUL, got ${JSON.stringify(path)}`);
  }
  return path;
}

export class SharedMap implements Disposable {
  /** The name as given (undefined for a file map). */
  readonly name: string | undefined;
  /** The file behind the map: the file map's path, or /dev/shm/<base> for a named map on Linux. */
  readonly path: string | undefined;
  /** Mapped bytes. For an existing map this is its own size (at least what was asked). */
  readonly size: number;
  readonly readOnly: boolean;
  /** True if this call created the map (useful after `openOrCreate`; .NET's createdNew). */
  readonly createdNew: boolean;

  #region: MapRegion | undefined;
  /** All the pages, for copies out (read-only maps too); never handed out. */
  #raw: Uint8Array | undefined;
  #bytes: Uint8Array | undefined;
  #view: DataView | undefined;
  readonly #reader: ReadableView;

  private constructor(opened: OpenedMap, name: string | undefined, readOnly: boolean) {
    this.name = name;
    this.path = opened.path;
    this.size = opened.size;
    this.readOnly = readOnly;
    this.createdNew = opened.created;
    this.#region = opened.region;
    const view = new DataView(opened.region.buffer!);
    this.#raw = new Uint8Array(opened.region.buffer!);
    if (readOnly) {
      this.#reader = new ReadOnlyView(view, () => this.#region === undefined, this.#what());
    } else {
      this.#view = view;
      this.#bytes = new Uint8Array(opened.region.buffer!);
      this.#reader = view;
    }
  }

  // ---- named maps ------------------------------------------------------------------------

  /** Creates the named map; `AlreadyExistsError` if the name is taken. */
  static create(name: string, options: CreateMapOptions): SharedMap {
    const what = `SharedMap.create(${quoteName(name)})`;
    checkOptions(options, what);
    const request: MapRequest = { disposition: 'create', size: checkSize(options?.size, what), mode: checkMode(options?.mode, what), readOnly: false };
    return SharedMap.#named(name, request);
  }

  /** Opens an existing named map at its own size; `NotFoundError` if there is none. */
  static open(name: string, options: OpenMapOptions = {}): SharedMap {
    const what = `SharedMap.open(${quoteName(name)})`;
    checkOptions(options, what);
    return SharedMap.#named(name, {
      disposition: 'open',
      mode: DEFAULT_MODE,
      readOnly: checkFlag(options.readOnly, 'readOnly', what),
      allowForeignOwner: checkFlag(options.allowForeignOwner, 'allowForeignOwner', what),
    });
  }

  /**
   * Opens the named map, or creates it with `size` bytes if it does not exist. An existing map
   * larger than `size` is mapped whole; one smaller than `size` is an error (INVALID_ARGUMENT):
   * twinmap never resizes a map that others may have mapped.
   */
  static openOrCreate(name: string, options: CreateMapOptions): SharedMap {
    const what = `SharedMap.openOrCreate(${quoteName(name)})`;
    checkOptions(options, what);
    const request: MapRequest = {
      disposition: 'openOrCreate',
      size: checkSize(options?.size, what),
      mode: checkMode(options?.mode, what),
      readOnly: false,
      allowForeignOwner: checkFlag(options?.allowForeignOwner, 'allowForeignOwner', what),
    };
    return SharedMap.#named(name, request);
  }

  /**
   * Removes a name, so the next `open` fails and the next `create` succeeds; maps already open
   * keep working. Returns false if there was no such map. A POSIX named map lives until this is
   * called, even after every process has closed it (on Windows it goes with its last handle).
   */
  static unlink(name: string): boolean {
    return SharedMap.#backend().unlinkNamed(parseName(name));
  }

  // ---- file maps (what an unmodified .NET app on Linux uses: MemoryMappedFile.CreateFromFile) ----

  /** Maps an existing regular, non-empty file at its own size; `NotFoundError` if it is missing. */
  static openFile(path: string, options: OpenMapOptions = {}): SharedMap {
    checkPath(path, 'SharedMap.openFile');
    checkOptions(options, 'SharedMap.openFile');
    const readOnly = checkFlag(options.readOnly, 'readOnly', `SharedMap.openFile(${JSON.stringify(path)})`);
    return new SharedMap(SharedMap.#backend().openFile(path, { disposition: 'open', mode: DEFAULT_MODE, readOnly }), undefined, readOnly);
  }

  /** Creates a file of `size` bytes (zeros) and maps it; `AlreadyExistsError` if the path exists. */
  static createFile(path: string, size: number, options: { mode?: number } = {}): SharedMap {
    const what = `SharedMap.createFile(${JSON.stringify(path)})`;
    checkPath(path, what);
    const request: MapRequest = { disposition: 'create', size: checkSize(size, what), mode: checkMode(options.mode, what), readOnly: false };
    return new SharedMap(SharedMap.#backend().openFile(path, request), undefined, false);
  }

  static #named(name: string, request: MapRequest): SharedMap {
    const parsed = parseName(name);
    return new SharedMap(SharedMap.#backend().openNamed(parsed, request), name, request.readOnly);
  }

  static #backend(): MapBackend {
    return mapBackend();
  }

  // ---- the memory ----------------------------------------------------------------------------

  /** The mapped pages (no copy). Not available on a read-only map: use `reader` or `read()`. */
  get buffer(): ArrayBuffer {
    return this.#writable('buffer').buffer as ArrayBuffer;
  }

  /** A Uint8Array over the whole map (no copy; the same object each time). */
  get bytes(): Uint8Array {
    return this.#writable('bytes');
  }

  /** A DataView over the whole map (no copy; the same object each time). */
  get view(): DataView {
    this.#writable('view');
    return this.#view!;
  }

  /** DataView's getters over the map, on any map: the DataView itself, or a read-only guard. */
  get reader(): ReadableView {
    this.#open();
    return this.#reader;
  }

  /** Copies `length` bytes from `offset` out of the map. */
  read(offset: number, length: number): Uint8Array {
    this.#open();
    this.#checkRange(offset, length, 'read');
    return this.#raw!.slice(offset, offset + length);
  }

  /** Copies `data` into the map at `offset`. */
  write(offset: number, data: ArrayLike<number>): void {
    const bytes = this.#writable('write');
    if (typeof data !== 'object' || data === null || typeof data.length !== 'number') {
      throw new TwinmapError('INVALID_ARGUMENT', `${this.#what()}: write needs bytes (a Uint8Array, Buffer or array of numbers), got ${data === null ? 'null' : typeof data}`);
    }
    this.#checkRange(offset, data.length, 'write');
    bytes.set(data, offset);
  }

  /** msync: for a file map, the bytes reach the file now (readers see them at once anyway). */
  flush(): void {
    this.#open().flush();
  }

  /** Unmaps the pages; every view handed out becomes empty (length 0). Idempotent. */
  close(): void {
    const region = this.#region;
    this.#region = undefined;
    this.#raw = undefined;
    this.#bytes = undefined;
    this.#view = undefined;
    region?.unmap();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  get closed(): boolean {
    return this.#region === undefined;
  }

  /** Removes this map's name (named maps only); see `SharedMap.unlink`. This map stays usable. */
  unlink(): boolean {
    if (this.name === undefined) throw new TwinmapError('INVALID_ARGUMENT', `${this.#what()} is a file map: remove the file instead`);
    return SharedMap.unlink(this.name);
  }

  #what(): string {
    return this.name !== undefined ? `SharedMap ${JSON.stringify(this.name)}` : `SharedMap of file ${this.path}`;
  }

  #open(): MapRegion {
    if (this.#region === undefined) throw new ClosedError(this.#what());
    return this.#region;
  }

  #writable(what: string): Uint8Array {
    this.#open();
    if (this.readOnly) {
      throw new ReadOnlyError(
        `${this.#what()} is open read-only, so it has no writable ${what} (a write to its pages would kill the process): ` +
          'read it with map.reader (DataView getters, no copy) or map.read(offset, length)',
      );
    }
    return this.#bytes!;
  }

  #checkRange(offset: number, length: number, op: string): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.size) {
      throw new TwinmapError(
        'INVALID_ARGUMENT',
        `${this.#what()}: ${op} of ${length} bytes at offset ${offset} is outside the map (${this.size} bytes)`,
      );
    }
  }
}
