meta:
  id: windows_sidecar
  title: twinmap side-car of a named map (Windows)
  endian: le
doc: |
  On Windows every named map twinmap opens has a one-page side-car section,
  `<kernel name>#twinmap`, page-file backed and zero-filled when created: the waiter counts of
  the map's futex words, then the exact size the creator asked for (Windows keeps a page-file
  section's size only in whole pages). The creator opens it before it makes the map. The
  protocol is in docs/protocol/windows-sidecar.md; implementations: ts/map/win32.ts and
  ts/futex/win32.ts, dotnet/Twinmap/Win32Sidecar.cs and RegionFutex.Windows.cs.
seq:
  - id: waiters
    type: s4
    repeat: expr
    repeat-expr: 1022
    doc: |
      one count per 4-byte word of the map's first 4088 bytes: how many threads (in any
      process) sleep on that word's semaphore `<kernel name>#futex@<offset>`
  - id: size
    type: u8
    doc: the size the creator asked for; 0 = not recorded (yet)
