// twinmap's public API. Each area exports its own part here.
export * from './errors.js';
export { parseName, MAX_NAME_BYTES, type ParsedName, type NameScope } from './names.js';

// shared maps
export { SharedMap, type CreateMapOptions, type OpenMapOptions } from './map/shared-map.js';
export type { ReadableView } from './map/readable-view.js';
