// Byte offsets of the channel header (formats/channel_header.ksy, docs/protocol/channel.md).
// The `I_` constants are the same offsets as indexes into an Int32Array over the header.
export const CHANNEL_MAGIC = 0x48434d54; // "TMCH" as little-endian bytes
export const CHANNEL_VERSION = 2;
export const HEADER_SIZE = 1024;
export const MIN_CAPACITY = 4096;
export const MAX_CAPACITY = 1 << 30;
export const FRAME_HEADER = 8;
export const KIND_RECORD = 1;
export const KIND_WRAP = 2;
export const WRITER_SLOTS = 32;
export const LOCK_CONTENDED = 0x80000000 | 0;

export const OFF_MAGIC = 0;
export const OFF_VERSION = 4;
export const OFF_HEADER_SIZE = 6;
export const OFF_CAPACITY = 8;
// Each hot word has its cache line to itself or shares it only with words the same side
// writes (docs/protocol/channel.md, "Cache lines"): the writers' line, the reader's line, and a
// line of waiter flags and reader identity that nobody writes while both sides are busy.
export const OFF_HEAD = 64;
export const OFF_LOCK = 68;
export const OFF_TAIL_CACHE = 72;
export const OFF_TAIL = 128;
export const OFF_DATA_SEQ = 192;
export const OFF_READER_WAITING = 196;
export const OFF_SPACE_SEQ = 200;
export const OFF_WRITERS_WAITING = 204;
export const OFF_READER_STATE = 208;
export const OFF_READER_PID = 212;
export const OFF_READER_START = 216;
export const OFF_WRITERS = 256;
export const WRITER_SLOT_SIZE = 16;

export const I_HEAD = OFF_HEAD / 4;
export const I_LOCK = OFF_LOCK / 4;
export const I_TAIL_CACHE = OFF_TAIL_CACHE / 4;
export const I_SPACE_SEQ = OFF_SPACE_SEQ / 4;
export const I_WRITERS_WAITING = OFF_WRITERS_WAITING / 4;
export const I_TAIL = OFF_TAIL / 4;
export const I_DATA_SEQ = OFF_DATA_SEQ / 4;
export const I_READER_WAITING = OFF_READER_WAITING / 4;
export const I_READER_STATE = OFF_READER_STATE / 4;
export const I_READER_PID = OFF_READER_PID / 4;

export const READER_NONE = 0;
export const READER_ATTACHED = 1;
export const READER_DETACHED = 2;

/** Frame size on the ring for a payload: header + payload, rounded up to 8. */
export function frameSize(payload: number): number {
  return (FRAME_HEADER + payload + 7) & ~7;
}
