// The bytes of a named event on Linux (formats/event_header.ksy): a 64-byte region.
//   0 magic u4 "TMEV"   4 version u2   6 flags u2 (bit 0: manual reset)
//   8 state u4 (the futex word: 0 = not set, 1 = set)   12 waiters u4 (sleepers, so set()
//   makes a syscall only when someone sleeps)   16..63 reserved, zero.
// The magic, version and offsets come from the code `twinmap gen` writes for the spec (module
// constants of literal types).
import { EventHeaderLayout as E } from '../formats/event_header.js';

export const EVENT_MAGIC = E.magicContentsLe; // "TMEV" as little-endian bytes
export const EVENT_VERSION = E.versionValid;
export const EVENT_SIZE = E.SIZE;
export const OFF_MAGIC = E.magic;
export const OFF_VERSION = E.version;
export const OFF_FLAGS = E.flags;
export const OFF_STATE = E.state;
export const OFF_WAITERS = E.waiters;
export const FLAG_MANUAL_RESET = 1;
