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

function openNamed(name: ParsedName, request: MapRequest): OpenedMap {
  const w = win32();
  const label = `map ${JSON.stringify(name.original)}`;
  let section: Win32Handle;
  let created = false;
  if (request.disposition === 'open') {
    try {
      section = w.openFileMapping(name.original, !request.readOnly);
    } catch (e) {
      if (osCode(e) === 'ERROR_FILE_NOT_FOUND') throw new NotFoundError(`${label} does not exist`, { cause: e, osCode: 'ERROR_FILE_NOT_FOUND' });
      throw fromOsError(e, `cannot open ${label}`);
    }
  } else {
    let existed: boolean;
    try {
      ({ handle: section, existed } = w.createFileMapping(null, name.original, request.size!, true));
    } catch (e) {
      throw fromOsError(e, `cannot create ${label} (${request.size} bytes)`);
    }
    if (existed && request.disposition === 'create') {
      section.close();
      throw new AlreadyExistsError(`${label} already exists`, { osCode: 'ERROR_ALREADY_EXISTS' });
    }
    created = !existed;
  }
  try {
    // A new map is exactly its size; an existing one is the whole section (whole pages).
    const view = mapView(section, !request.readOnly, created ? request.size! : 0, label);
    if (!created) {
      try {
        checkBigEnough(label, view.length, request);
      } catch (e) {
        view.unmap();
        throw e;
      }
    }
    return { region: regionOf(view, section), size: view.length, path: undefined, created };
  } catch (e) {
    section.close();
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

export const win32Backend: MapBackend = {
  openNamed,
  openFile,
  /** Windows removes a name with its last handle: there is nothing to remove. Always false. */
  unlinkNamed: () => false,
};
