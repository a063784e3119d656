// Test support (not part of the library build): shared by the interop tests, the Wine suite and
// its child.js.
// The records channel tests send, built the same way as dotnet/Twinmap.Peer/Commands/Channel/TestRecords.cs:
// size >= 12: [writer u4][seq u4][fnv1a32 of bytes 12.. u4] then filler (seq + i) & 0xff;
// size < 12 (single-writer runs only): bytes (seq * 31 + i * 7 + writer) & 0xff.
export const RECORD_HEADER = 12;

/** xorshift32 size sequence: 99 % small (minSize..maxSmall), 1 % large (up to maxLarge). */
export class Sizes {
  private s: number;
  constructor(
    seed: number,
    private readonly minSize: number,
    private readonly maxSmall: number,
    private readonly maxLarge: number,
  ) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  private next(): number {
    let s = this.s;
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    this.s = s >>> 0;
    return this.s;
  }
  nextSize(): number {
    const r = this.next();
    if (r % 100 === 0) return this.minSize + (this.next() % (this.maxLarge - this.minSize + 1));
    return this.minSize + (this.next() % (this.maxSmall - this.minSize + 1));
  }
}

export function fnv1a(data: Uint8Array, from = 0): number {
  let h = 0x811c9dc5;
  for (let i = from; i < data.length; i++) {
    h ^= data[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function fill(buf: Uint8Array, writer: number, seq: number): void {
  if (buf.length < RECORD_HEADER) {
    for (let i = 0; i < buf.length; i++) buf[i] = (seq * 31 + i * 7 + writer) & 0xff;
    return;
  }
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  dv.setInt32(0, writer, true);
  dv.setUint32(4, seq, true);
  for (let i = RECORD_HEADER; i < buf.length; i++) buf[i] = (seq + i - RECORD_HEADER) & 0xff;
  dv.setUint32(8, fnv1a(buf, RECORD_HEADER), true);
}

/** Checks one record; returns [writer, seq] or throws with what is wrong. */
export function check(rec: Uint8Array, tinyWriter: number, tinySeq: number): [number, number] {
  if (rec.length < RECORD_HEADER) {
    for (let i = 0; i < rec.length; i++) {
      if (rec[i] !== ((tinySeq * 31 + i * 7 + tinyWriter) & 0xff)) throw new Error(`tiny record of ${rec.length} bytes does not match seq ${tinySeq} at byte ${i}`);
    }
    return [tinyWriter, tinySeq];
  }
  const dv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
  const writer = dv.getInt32(0, true);
  const seq = dv.getUint32(4, true);
  const sum = dv.getUint32(8, true);
  const actual = fnv1a(rec, RECORD_HEADER);
  if (sum !== actual) throw new Error(`torn record: writer ${writer} seq ${seq} size ${rec.length}: checksum ${sum.toString(16)} != ${actual.toString(16)}`);
  return [writer, seq];
}

/** Tracks per-writer order: each writer's seq must go 0, 1, 2, ... (none lost, none twice). */
export class OrderCheck {
  readonly next = new Map<number, number>();
  total = 0;
  bytes = 0;
  constructor(private readonly singleWriter: number | undefined) {}
  accept(rec: Uint8Array): void {
    const w0 = this.singleWriter ?? -1;
    const [w, s] = check(rec, w0, this.next.get(w0) ?? 0);
    const want = this.next.get(w) ?? 0;
    if (s !== want) throw new Error(`writer ${w}: got seq ${s}, expected ${want} (${s < want ? 'duplicate' : 'lost records'})`);
    this.next.set(w, want + 1);
    this.total++;
    this.bytes += rec.length;
  }
}
