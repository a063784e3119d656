// twinmap's NRBF (BinaryFormatter) reader and writer. See docs/nrbf.md.
export * from './model.js';
export { NrbfDecodeError, NrbfEncodeError } from './errors.js';
export { toPlain, plainMemberName } from './plain.js';
export { nrbfToJson, nrbfToText } from './describe.js';
export { decodeNrbf, readNrbf, DEFAULT_DECODE_OPTIONS, type NrbfDecodeOptions, type NrbfReadResult } from './decode.js';
export { encodeNrbf, nrbfList, nrbfDictionary, qualifiedTypeName } from './encode.js';
