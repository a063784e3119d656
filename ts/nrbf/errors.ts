// The errors of the NRBF reader and writer. Both are TwinmapErrors (codes DECODE / ENCODE).
import { TwinmapError } from '../errors.js';

/** A payload the reader refuses: names the record (index and type) and the byte offset. */
export class NrbfDecodeError extends TwinmapError {
  override name = 'NrbfDecodeError';
  constructor(
    /** What is wrong. */
    readonly reason: string,
    /** Byte offset in the payload where the problem was found. */
    readonly offset: number,
    /** 0-based index of the record being read (-1 before the first). */
    readonly recordIndex: number,
    /** The MS-NRBF record type being read (e.g. "ClassWithMembersAndTypes"), if known. */
    readonly recordType: string | undefined,
  ) {
    super('DECODE', `NRBF record ${recordIndex}${recordType === undefined ? '' : ` (${recordType})`} at byte ${offset}: ${reason}`);
  }
}

/** A value the writer cannot express in NRBF: names the path to it in the graph. */
export class NrbfEncodeError extends TwinmapError {
  override name = 'NrbfEncodeError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super('ENCODE', `${path === '' ? 'root' : path}: ${reason}`);
  }
}
