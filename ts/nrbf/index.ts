// twinmap's NRBF (BinaryFormatter) reader and writer. See docs/nrbf.md.
export * from './model.js';
export { NrbfDecodeError, NrbfEncodeError } from './errors.js';
export { decodeNrbf, readNrbf, DEFAULT_DECODE_OPTIONS, type NrbfDecodeOptions, type NrbfReadResult } from './decode.js';
