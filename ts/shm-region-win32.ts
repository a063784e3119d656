// Named regions (the home of events and channels on Linux) on Windows: a named section backed
// by the page file (CreateFileMappingW), what .NET's MemoryMappedFile.CreateOrOpen(name)
// makes. Same creation protocol as shm-region.ts: the creator writes the header and publishes
// the magic last; an opener that finds no magic yet waits a little, then reports BAD_HEADER.
//
// Windows differences: a name lives while some process holds it open (nothing to unlink; a
// region closed by everyone is gone), and "x" and "Local\x" are the same object.
import { AlreadyExistsError, BadHeaderError, fromOsError, TwinmapError } from './errors.js';
import { installWin32Futex, recordedRegionSize, recordRegionSize, registerFutexSpace, unregisterFutexSpace } from './futex-win32.js';
import { native } from './native.js';
import type { NativeMapping, Win32Handle, Win32MapView, Win32Native } from './native-types.js';
import { parseName, type ParsedName } from './names.js';
import type { OpenMode, Region, RegionSpec } from './shm-region.js';

function win32(): Win32Native {
  const w = native.win32;
  if (w === undefined) throw new TwinmapError('UNSUPPORTED', 'twinmap: Windows regions need the Windows build of the addon');
  return w;
}

/** The kernel name of a region: an unprefixed name is the session's (Local\). */
export function kernelName(name: ParsedName): string {
  return `${name.scope === 'global' ? 'Global' : 'Local'}\\${name.base}`;
}

/** A view and its section as one NativeMapping: unmap() also closes the section. */
function regionMapping(section: Win32Handle, view: Win32MapView): NativeMapping {
  return {
    get buffer() {
      return view.buffer;
    },
    get length() {
      return view.length;
    },
    get mapped() {
      return view.mapped;
    },
    flush: () => view.flush(),
    unmap: () => {
      if (view.buffer !== undefined) unregisterFutexSpace(view.buffer);
      view.unmap();
      section.close();
    },
  };
}

function region(name: ParsedName, section: Win32Handle, view: Win32MapView, created: boolean): Region {
  const kname = kernelName(name);
  installWin32Futex();
  registerFutexSpace(view.buffer!, kname);
  return { name, path: kname, mapping: regionMapping(section, view), buffer: view.buffer!, created };
}

export function openRegionWin32(
  nameText: string,
  mode: OpenMode,
  spec: RegionSpec,
  create: { size: number; init: (buf: ArrayBuffer) => void } | undefined,
  check: (buf: ArrayBuffer, fileSize: number) => number,
): Region {
  const name = parseName(nameText);
  const kname = kernelName(name);
  const w = win32();
  let section: Win32Handle;
  let existed = true;
  if (mode === 'open') {
    try {
      section = w.openFileMapping(kname, true);
    } catch (e) {
      throw fromOsError(e, `open ${spec.kind} ${JSON.stringify(nameText)}`);
    }
  } else {
    if (create === undefined) throw new TypeError('openRegion: create needs a size and an initialiser');
    try {
      ({ handle: section, existed } = w.createFileMapping(null, kname, create.size, true));
    } catch (e) {
      throw fromOsError(e, `create ${spec.kind} ${JSON.stringify(nameText)}`);
    }
    if (existed && mode === 'create') {
      section.close();
      throw new AlreadyExistsError(`create ${spec.kind} ${JSON.stringify(nameText)}: already exists`, { osCode: 'ERROR_ALREADY_EXISTS' });
    }
    if (!existed) {
      try {
        const view = new w.MapView(section, true, 0, create.size);
        create.init(view.buffer!);
        recordRegionSize(kname, create.size);
        // Publish: the magic goes last, so an opener never sees a half-written header.
        Atomics.store(new Int32Array(view.buffer!, spec.magicOffset, 1), 0, spec.magic | 0);
        return region(name, section, view, true);
      } catch (e) {
        section.close();
        throw fromOsError(e, `create ${spec.kind} ${JSON.stringify(nameText)}`);
      }
    }
  }
  try {
    return openExisting(nameText, name, section, spec, check);
  } catch (e) {
    section.close();
    throw fromOsError(e, `open ${spec.kind} ${JSON.stringify(nameText)}`);
  }
}

function openExisting(
  nameText: string,
  name: ParsedName,
  section: Win32Handle,
  spec: RegionSpec,
  check: (buf: ArrayBuffer, fileSize: number) => number,
): Region {
  const w = win32();
  const kname = kernelName(name);
  // Windows reports a section's size only in whole pages (a whole-section view); the creator
  // recorded the exact size in the side-car before publishing the magic.
  const probe = new w.MapView(section, true);
  if (probe.length < spec.magicOffset + 4) {
    probe.unmap();
    throw new BadHeaderError(`${spec.kind} ${JSON.stringify(nameText)} (${kname}): the section is ${probe.length} bytes, too small for a header`);
  }
  // A creator may be between CreateFileMapping and publishing the magic: give it a moment.
  const deadline = Date.now() + 1000;
  let magic = Atomics.load(new Int32Array(probe.buffer!, spec.magicOffset, 1), 0);
  while (magic === 0 && Date.now() <= deadline) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    magic = Atomics.load(new Int32Array(probe.buffer!, spec.magicOffset, 1), 0);
  }
  if (magic !== (spec.magic | 0)) {
    probe.unmap();
    throw new BadHeaderError(
      `${spec.kind} ${JSON.stringify(nameText)} (${kname}): bad magic 0x${(magic >>> 0).toString(16).padStart(8, '0')} at offset ${spec.magicOffset}, expected 0x${(spec.magic >>> 0).toString(16)} (not a twinmap ${spec.kind}, or overwritten)`,
    );
  }
  const recorded = recordedRegionSize(kname);
  const size = recorded !== undefined && recorded <= probe.length ? recorded : probe.length;
  let mapLength: number;
  try {
    mapLength = check(probe.buffer!, size);
  } catch (e) {
    probe.unmap();
    throw e;
  }
  if (mapLength === size) return region(name, section, probe, false);
  probe.unmap();
  return region(name, section, new w.MapView(section, true, 0, mapLength), false);
}

/** Windows removes a name with its last handle: there is nothing to unlink. Always false. */
export function unlinkRegionWin32(nameText: string): boolean {
  parseName(nameText);
  return false;
}
