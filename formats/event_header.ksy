meta:
  id: event_header
  title: twinmap named event (Linux)
  endian: le
doc: |
  A named event on Linux: the 64-byte file /dev/shm/<name>. The `state` word is a futex
  that both sides wait on (FUTEX_WAIT while it is 0) and wake (FUTEX_WAKE after setting it
  to 1). `waiters` counts sleepers so that a set() makes a syscall only when someone sleeps.
  The creator writes every field first and `magic` last, so a header with a zero magic is
  still being created. Implementations: ts/event/named-event.ts, dotnet/Twinmap/NamedEvent.cs.
seq:
  - id: magic
    contents: "TMEV"
  - id: version
    type: u2
    valid: 1
    doc: format version, 1 for this layout
  - id: flags
    type: u2
    doc: bit 0 set = manual reset; clear = auto reset (a set releases one waiter).
  - id: state
    type: u4
    doc: futex word; 0 = not set, 1 = set. Any other value is a bad header.
  - id: waiters
    type: u4
    doc: number of processes/threads sleeping on `state` (advisory; may over-count after a crash).
  - id: reserved
    size: 48
