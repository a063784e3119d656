// SharedMap on Windows. A named map is a page-file-backed section (CreateFileMappingW /
// OpenFileMappingW), the very object .NET's MemoryMappedFile.CreateOrOpen(name, size) makes,
// so an unmodified .NET app and twinmap meet by name; the name goes to the kernel unchanged
// ("x" and "Local\x" are one object, "Global\x" another). A file map is CreateFileW +
// CreateFileMappingW, what MemoryMappedFile.CreateFromFile does.
//
// Windows, not twinmap, decides these differences from Linux:
// - a named map lives while some process holds it open: unlink() has nothing to remove, and a
//   map closed by everyone is gone (so a named map keeps its section handle while it is open);
// - an existing named map's size is known only in whole pages (what .NET's view capacity
//   reports too): open() maps the whole section;
// - `mode` does not apply: a new object gets the default security descriptor of the process.
import { unlinkSync } from 'node:fs';
import { AlreadyExistsError, NotFoundError, TwinmapError, fromOsError } from '../errors.js';
import { native } from '../native.js';
import type { Win32Handle, Win32MapView, Win32Native } from '../native-types.js';
import type { ParsedName } from '../names.js';
import { WindowsSidecarLayout } from '../formats/windows_sidecar.js';
import { FUTEX_SPAN, registerFutexSpace, unregisterFutexSpace } from '../futex/win32.js';
import type { MapBackend, MapRegion, MapRequest, OpenedMap } from './backend.js';

function win32(): Win32Native {
  const w = native.win32;
  if (w === undefined) throw new TwinmapError('UNSUPPORTED', 'twinmap: the Win32 SharedMap backend needs the Windows build of the addon');
  return w;
}

function osCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/** The view as a MapRegion; unmap() also closes the section handle, if one is kept. */
function regionOf(view: Win32MapView, section: Win32Handle | undefined): MapRegion {
  return {
    get buffer() {
      return view.buffer;
    },
    flush: () => view.flush(),
    unmap: () => {
      view.unmap();
      section?.close();
    },
  };
}

function mapView(section: Win32Handle, writable: boolean, length: number, label: string): Win32MapView {
  try {
    return new (win32().MapView)(section, writable, 0, length);
  } catch (e) {
    throw fromOsError(e, `cannot map ${label}${length > 0 ? ` (${length} bytes)` : ''}`);
  }
}

function checkBigEnough(label: string, size: number, request: MapRequest): void {
  if (request.size !== undefined && size < request.size) {
    throw new TwinmapError(
      'INVALID_ARGUMENT',
      `${label} exists with ${size} bytes, fewer than the ${request.size} asked for; ` +
        'twinmap never resizes a map others may have mapped: open it with its own size (open()) or use another name',
    );
  }
}

/** The kernel name: an unprefixed name is the session's, like Local\. */
function kernelName(name: ParsedName): string {
  return `${name.scope === 'global' ? 'Global' : 'Local'}\\${name.base}`;
}

// Every named map twinmap opens has a side-car section `<kernel name>#twinmap` of one page:
// the waiter counts of its futex words (ts/futex/win32.ts), then at SIZE_OFFSET the exact size
// the creator asked for (Windows reports only whole pages); the layout is
// formats/windows_sidecar.ksy's. The creator makes the side-car before the map, so whoever finds
// the map finds the side-car too (if twinmap made the map).
const SIDECAR_SIZE = WindowsSidecarLayout.SIZE;
const SIZE_OFFSET = WindowsSidecarLayout.size;
/** How long open() waits for a creator that has made the map but not yet recorded its size. */
const SIZING_WAIT_MS = 200;

interface Sidecar {
  /** Someone had it open: a twinmap creator (who records the size) or user of the map. */
  readonly existed: boolean;
  readonly section: Win32Handle;
  readonly view: Win32MapView;
  readonly dv: DataView;
}

function openSidecar(kname: string, label: string): Sidecar {
  const w = win32();
  let created;
  try {
    created = w.createFileMapping(null, `${kname}#twinmap`, SIDECAR_SIZE, true);
  } catch (e) {
    throw fromOsError(e, `cannot open the side-car of ${label}`);
  }
  const { handle: section, existed } = created;
  const view = mapView(section, true, SIDECAR_SIZE, `the side-car of ${label}`);
  return { existed, section, view, dv: new DataView(view.buffer!) };
}

function closeSidecar(sc: Sidecar): void {
  sc.view.unmap();
  sc.section.close();
}

/** The size the creator recorded; 0 if none (yet). */
function recordedSize(sc: Sidecar): number {
  return Number(sc.dv.getBigUint64(SIZE_OFFSET, true));
}

function openNamed(name: ParsedName, request: MapRequest): OpenedMap {
  const w = win32();
  const label = `map ${JSON.stringify(name.original)}`;
  const kname = kernelName(name);
  const sidecar = openSidecar(kname, label);
  let section: Win32Handle | undefined;
  try {
    let created = false;
    if (request.disposition === 'open') {
      try {
        section = w.openFileMapping(kname, !request.readOnly);
      } catch (e) {
        if (osCode(e) === 'ERROR_FILE_NOT_FOUND') throw new NotFoundError(`${label} does not exist`, { cause: e, osCode: 'ERROR_FILE_NOT_FOUND' });
        throw fromOsError(e, `cannot open ${label}`);
      }
    } else {
      let existed: boolean;
      try {
        ({ handle: section, existed } = w.createFileMapping(null, kname, request.size!, true));
      } catch (e) {
        throw fromOsError(e, `cannot create ${label} (${request.size} bytes)`);
      }
      if (existed && request.disposition === 'create') {
        throw new AlreadyExistsError(`${label} already exists`, { osCode: 'ERROR_ALREADY_EXISTS' });
      }
      created = !existed;
    }
    let view: Win32MapView;
    let size: number;
    if (created) {
      view = mapView(section, true, request.size!, label);
      size = request.size!;
      sidecar.dv.setBigUint64(SIZE_OFFSET, BigInt(size), true);
    } else {
      // An existing map: the size its creator recorded, else (not made by twinmap, e.g. by
      // .NET's MemoryMappedFile) the whole section, in whole pages.
      const whole = mapView(section, !request.readOnly, 0, label);
      const deadline = Date.now() + SIZING_WAIT_MS;
      let recorded = recordedSize(sidecar);
      while (recorded === 0 && Date.now() < deadline && sidecar.existed) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
        recorded = recordedSize(sidecar);
      }
      if (recorded > 0 && recorded <= whole.length && recorded !== whole.length) {
        whole.unmap();
        view = mapView(section, !request.readOnly, recorded, label);
      } else {
        view = whole;
      }
      size = view.length;
      try {
        checkBigEnough(label, size, request);
      } catch (e) {
        view.unmap();
        throw e;
      }
    }
    registerFutexSpace(view.buffer!, kname, new Int32Array(sidecar.view.buffer!, 0, FUTEX_SPAN / 4));
    const keep = section;
    return {
      region: {
        get buffer() {
          return view.buffer;
        },
        flush: () => view.flush(),
        unmap: () => {
          if (view.buffer !== undefined) unregisterFutexSpace(view.buffer);
          view.unmap();
          keep.close(); // the name lives while some process holds a handle
          closeSidecar(sidecar);
        },
      },
      size,
      path: undefined,
      created,
    };
  } catch (e) {
    section?.close();
    closeSidecar(sidecar);
    throw e;
  }
}

function openFileHandle(path: string, request: MapRequest): { file: Win32Handle; created: boolean } {
  const w = win32();
  const label = `file ${path}`;
  const open = (writable: boolean) => {
    try {
      return w.createFile(path, writable, 'openExisting');
    } catch (e) {
      const code = osCode(e);
      if (code === 'ERROR_FILE_NOT_FOUND' || code === 'ERROR_PATH_NOT_FOUND') {
        throw new NotFoundError(`${label} does not exist`, { cause: e, osCode: code });
      }
      throw fromOsError(e, `cannot open ${label}${writable ? ' for reading and writing' : ' for reading'}`);
    }
  };
  const create = () => {
    try {
      return w.createFile(path, true, 'createNew');
    } catch (e) {
      if (osCode(e) === 'ERROR_FILE_EXISTS') throw new AlreadyExistsError(`${label} already exists`, { cause: e, osCode: 'ERROR_FILE_EXISTS' });
      throw fromOsError(e, `cannot create ${label}`);
    }
  };
  if (request.disposition === 'create') return { file: create(), created: true };
  if (request.disposition === 'open') return { file: open(!request.readOnly), created: false };
  // openOrCreate: open, else create, else (someone created it in between) open again.
  for (let attempt = 0; ; attempt++) {
    try {
      return { file: open(true), created: false };
    } catch (e) {
      if (!(e instanceof NotFoundError) || attempt >= 5) throw e;
      try {
        return { file: create(), created: true };
      } catch (e2) {
        if (!(e2 instanceof AlreadyExistsError)) throw e2;
      }
    }
  }
}

function openFile(path: string, request: MapRequest): OpenedMap {
  const w = win32();
  const label = `file ${path}`;
  const { file, created } = openFileHandle(path, request);
  let section: Win32Handle | undefined;
  try {
    const size = created ? request.size! : file.fileSize();
    if (!created) {
      if (size === 0) {
        throw new TwinmapError('INVALID_ARGUMENT', `${label} is empty (0 bytes): there is nothing to map; create it with a size (createFile(path, size))`);
      }
      checkBigEnough(label, size, request);
    }
    if (!Number.isSafeInteger(size)) throw new TwinmapError('INVALID_ARGUMENT', `${label} is too large to map (${size} bytes)`);
    try {
      // A new file grows to `size` here (zero-filled).
      section = w.createFileMapping(file, null, size, !request.readOnly).handle;
    } catch (e) {
      throw fromOsError(e, `cannot map ${label} (${size} bytes)`);
    }
    const view = mapView(section, !request.readOnly, size, label);
    // The view keeps the file and the section alive; an unnamed section needs no handle.
    return { region: regionOf(view, undefined), size, path, created };
  } catch (e) {
    if (created) {
      file.close();
      try {
        unlinkSync(path); // what this call created, when sizing or mapping it failed
      } catch {
        /* best effort: the error being thrown says what went wrong */
      }
    }
    throw e;
  } finally {
    section?.close();
    file.close();
  }
}

export class Win32MapBackend implements MapBackend {
  static readonly instance = new Win32MapBackend();

  openNamed(name: ParsedName, request: MapRequest): OpenedMap {
    return openNamed(name, request);
  }

  openFile(path: string, request: MapRequest): OpenedMap {
    return openFile(path, request);
  }

  /** Windows removes a name with its last handle: there is nothing to remove. Always false. */
  unlinkNamed(): boolean {
    return false;
  }
}
