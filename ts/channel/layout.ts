// Byte offsets of the channel header, its magic, version, capacity bounds and writer slots, taken
// from the code `twinmap gen` writes for formats/channel_header.ksy and record_frame.ksy (the
// spec is the one source of these numbers;
// docs/protocol/channel.md says who writes which word). They are module constants of literal
// types, as fast as the numbers typed in. The `I_` constants are the same offsets as indexes into
// an Int32Array over the header.
import { ChannelHeaderLayout as H, ReaderState, WriterSlotLayout } from '../formats/channel_header.js';
import { FrameKind, RecordFrameLayout } from '../formats/record_frame.js';

export const CHANNEL_MAGIC = H.magicContentsLe; // "TMCH" as little-endian bytes
export const CHANNEL_VERSION = H.versionValid;
export const HEADER_SIZE = H.SIZE;
export const MIN_CAPACITY = H.capacityMin;
export const MAX_CAPACITY = H.capacityMax;
export const FRAME_HEADER = RecordFrameLayout.payload;
export const KIND_RECORD = FrameKind.RECORD;
export const KIND_WRAP = FrameKind.WRAP;
export const WRITER_SLOTS = H.writersCount;
export const LOCK_CONTENDED = 0x80000000 | 0;
/**
 * The most bytes a reader takes before it stores `tail` (it also stores it before it sleeps, when a
 * receive finds nothing, and on close): min(capacity / 8, this). docs/protocol/channel.md, "The reader".
 */
export const TAIL_BATCH_MAX = 4096;

export const OFF_MAGIC = H.magic;
export const OFF_VERSION = H.version;
export const OFF_HEADER_SIZE = H.headerSize;
export const OFF_CAPACITY = H.capacity;
// Each hot word has its cache line to itself or shares it only with words the same side
// writes (docs/protocol/channel.md, "Cache lines"): the writers' line, the reader's line, and a
// line of waiter flags and reader identity that nobody writes while both sides are busy.
export const OFF_HEAD = H.head;
export const OFF_LOCK = H.writeLock;
export const OFF_TAIL_CACHE = H.tailCache;
export const OFF_TAIL = H.tail;
export const OFF_DATA_SEQ = H.dataSeq;
export const OFF_READER_WAITING = H.readerWaiting;
export const OFF_SPACE_SEQ = H.spaceSeq;
export const OFF_WRITERS_WAITING = H.writersWaiting;
export const OFF_READER_STATE = H.readerState;
export const OFF_READER_PID = H.readerPid;
export const OFF_READER_START = H.readerStart;
export const OFF_WRITERS = H.writers;
export const WRITER_SLOT_SIZE = WriterSlotLayout.SIZE;
export const OFF_SLOT_PID = WriterSlotLayout.pid;
export const OFF_SLOT_START = WriterSlotLayout.start;

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
// A frame on the ring as Int32Array indexes from its start: the length is its first word
// (RecordFrameLayout.length = 0), the kind the word at I_FRAME_KIND.
export const I_FRAME_KIND = RecordFrameLayout.kind / 4;

export const READER_NONE = ReaderState.NONE;
export const READER_ATTACHED = ReaderState.ATTACHED;
export const READER_DETACHED = ReaderState.DETACHED;

/** Frame size on the ring for a payload: header + payload, rounded up to 8. */
export function frameSize(payload: number): number {
  return (FRAME_HEADER + payload + 7) & ~7;
}
