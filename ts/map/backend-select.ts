// Picks the platform's SharedMap backend.
import { TwinmapError } from '../errors.js';
import type { MapBackend } from './backend.js';
import { posixBackend } from './shared-map-posix.js';

export function mapBackend(): MapBackend {
  if (process.platform === 'win32') {
    throw new TwinmapError('UNSUPPORTED', 'SharedMap is not yet supported on Windows (CreateFileMappingW backend pending)');
  }
  return posixBackend;
}
