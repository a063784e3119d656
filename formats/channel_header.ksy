meta:
  id: channel_header
  title: twinmap channel header
  endian: le
doc: |
  The 1024-byte header at the start of a twinmap channel's shared region; the ring of
  `capacity` bytes (record_frame.ksy) follows it. The protocol (who writes which word, in which
  order) is in docs/protocol/channel.md.
seq:
  - id: magic
    contents: "TMCH"
  - id: version
    type: u2
    valid: 2
    doc: protocol version, 2 (1 had head, tail and the waiter flags sharing cache lines)
  - id: header_size
    type: u2
    doc: offset of the ring, 1024
  - id: capacity
    type: u4
    valid:
      min: 4096
      max: 1073741824
    doc: ring bytes, a power of two from 4096 to 2^30
  - id: reserved0
    size: 52
  - id: head
    type: u4
    doc: bytes published (wrapping); written only by the writer holding the lock
  - id: write_lock
    type: u4
    doc: 0 = free; else writer slot index + 1, bit 31 set when a writer sleeps on it
  - id: tail_cache
    type: u4
    doc: a value of tail the lock holder read (never ahead of tail); writers take free space from it
  - id: reserved1
    size: 52
    doc: the rest of the writers' cache line
  - id: tail
    type: u4
    doc: bytes consumed (wrapping); written only by the reader, alone on its cache line
  - id: reserved2
    size: 60
  - id: data_seq
    type: u4
    doc: futex word the reader sleeps on while the ring is empty; writers increment it
  - id: reader_waiting
    type: u4
    doc: 1 while the reader sleeps
  - id: space_seq
    type: u4
    doc: futex word writers sleep on while the ring is full; the reader increments it
  - id: writers_waiting
    type: u4
    doc: number of writers sleeping on space_seq
  - id: reader_state
    type: u4
    enum: reader_state
  - id: reader_pid
    type: u4
  - id: reader_start
    type: u8
    doc: start time of the reader process (Linux field 22 of /proc/pid/stat; Windows creation time, ms since the Unix epoch)
  - id: reserved3
    size: 32
  - id: writers
    type: writer_slot
    repeat: expr
    repeat-expr: 32
  - id: reserved4
    size: 256
types:
  writer_slot:
    seq:
      - id: pid
        type: u4
        doc: 0 = free
      - id: reserved
        size: 4
      - id: start
        type: u8
        doc: start time of the writer process (as reader_start)
enums:
  reader_state:
    0: none
    1: attached
    2: detached
