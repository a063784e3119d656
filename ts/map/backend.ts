// What SharedMap needs from a platform: open or create a mapping (by name or by file path)
// and hand back its pages.
//   Linux:   shm_open / open + mmap (linux.ts)
//   Windows: CreateFileMappingW, the sections .NET's MemoryMappedFile makes (win32.ts)
// The .NET twin: SharedMap.cs + SharedMap.Linux.cs + SharedMap.Windows.cs.
import type { ParsedName } from '../names.js';
import { LinuxMapBackend } from './linux.js';
import { Win32MapBackend } from './win32.js';

/** The mapped pages; `unmap()` detaches `buffer` (views become length 0), then releases the pages. */
export interface MapRegion {
  readonly buffer: ArrayBuffer | undefined;
  flush(): void;
  unmap(): void;
}

export type OpenDisposition = 'create' | 'open' | 'openOrCreate';

export interface MapRequest {
  readonly disposition: OpenDisposition;
  /** Bytes to create with (create/openOrCreate); the least acceptable size for openOrCreate. */
  readonly size?: number;
  /** Permission bits for a new object (0o600 unless the caller asked otherwise). */
  readonly mode: number;
  readonly readOnly: boolean;
  /** Use an existing named object owned by another user (not the caller, not root); refused otherwise. */
  readonly allowForeignOwner?: boolean;
}

export interface OpenedMap {
  readonly region: MapRegion;
  /** The mapped length: the object's size (at least the size asked for). */
  readonly size: number;
  /** The file behind the map, if it has one (POSIX: /dev/shm/<base> for a named map on Linux). */
  readonly path: string | undefined;
  /** True if this call created the object. */
  readonly created: boolean;
}

export interface MapBackend {
  openNamed(name: ParsedName, request: MapRequest): OpenedMap;
  openFile(path: string, request: MapRequest): OpenedMap;
  /** Removes a name; false if it did not exist. Mappings already open stay valid. */
  unlinkNamed(name: ParsedName): boolean;
}

/** This platform's backend. */
export function mapBackend(): MapBackend {
  return process.platform === 'win32' ? Win32MapBackend.instance : LinuxMapBackend.instance;
}
