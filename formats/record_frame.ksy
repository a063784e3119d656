meta:
  id: record_frame
  title: twinmap channel record frame
  endian: le
doc: |
  One frame in a channel's ring (docs/protocol/channel.md). Frames start 8-byte aligned and never
  cross the end of the ring. A wrap frame says the rest of the ring is unused.
seq:
  - id: length
    type: u4
    doc: payload bytes (0 for a wrap frame); at most capacity - 8
  - id: kind
    type: u4
    enum: frame_kind
  - id: payload
    size: length
  - id: padding
    size: (8 - (length % 8)) % 8
enums:
  frame_kind:
    1: record
    2: wrap
