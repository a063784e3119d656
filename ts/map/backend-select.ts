// Picks the platform's SharedMap backend.
import type { MapBackend } from './backend.js';
import { posixBackend } from './shared-map-posix.js';
import { win32Backend } from './shared-map-win32.js';

export function mapBackend(): MapBackend {
  return process.platform === 'win32' ? win32Backend : posixBackend;
}
