// Hand-written DataView readers and writers for the bench's record types: what a careful person
// writes for each layout without a generator, to measure the generated codecs against in the same
// run. Readers build the same values the generated decoders do; writers assume a buffer that is
// large enough (as hand-written code usually does) and check nothing.

export interface Coord {
  x: number;
  y: number;
  z: number;
}
export interface Hike {
  date: string;
  description: string;
  gpsTrack: Coord[];
}
export interface HikingDatabase {
  description: string;
  hikes: Hike[];
}
export interface Systemtime {
  year: number;
  month: number;
  dow: number;
  day: number;
  hour: number;
  min: number;
  sec: number;
  msec: number;
}
export interface Vec3d {
  x: number;
  y: number;
  z: number;
}
export interface Triangle {
  normal: Vec3d;
  vertices: Vec3d[];
  abr: number;
}
export interface Stl {
  header: Uint8Array;
  triangles: Triangle[];
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Reads `[len u4][utf-8]` style text: `n` bytes at `p`. */
const text = (b: Uint8Array, p: number, n: number): string => dec.decode(b.subarray(p, p + n));

// ---- MyDataStructure: two int32

export function readMyData(dv: DataView, o: number): { myValueA: number; myValueB: number } {
  return { myValueA: dv.getInt32(o, true), myValueB: dv.getInt32(o + 4, true) };
}
export function writeMyData(dv: DataView, o: number, v: { myValueA: number; myValueB: number }): void {
  dv.setInt32(o, v.myValueA, true);
  dv.setInt32(o + 4, v.myValueB, true);
}

/**
 * writeMyData with the checks a codec owes its caller (what the generated encodeInto does): the
 * record fits at a whole, non-negative offset and each value is an int32, else a RangeError that
 * names the field. The plain writers above check nothing: DataView turns `undefined` into 0 and
 * 2**31 into -2**31 without a word.
 */
export function writeMyDataChecked(dv: DataView, o: number, v: { myValueA: number; myValueB: number }): void {
  if (!Number.isInteger(o) || o < 0 || o + 8 > dv.byteLength) throw new RangeError(`MyDataStructure needs 8 bytes at ${o}`);
  const a = v.myValueA;
  const b = v.myValueB;
  if (typeof a !== 'number' || (a | 0) !== a) throw new RangeError(`myValueA: ${a} is not an int32`);
  if (typeof b !== 'number' || (b | 0) !== b) throw new RangeError(`myValueB: ${b} is not an int32`);
  dv.setInt32(o, a, true);
  dv.setInt32(o + 4, b, true);
}

// ---- HikingDatabase: length-prefixed text, hikes, GPS tracks of three doubles

/** Decodes one HikingDatabase at `o`; returns it and where it ends. */
export function readHiking(b: Uint8Array, dv: DataView, o: number): { value: HikingDatabase; end: number } {
  let p = o;
  const ld = dv.getUint32(p, true);
  const description = text(b, p + 4, ld);
  p += 4 + ld;
  const nh = dv.getUint32(p, true);
  p += 4;
  const hikes: Hike[] = [];
  for (let h = 0; h < nh; h++) {
    const la = dv.getUint16(p, true);
    const date = text(b, p + 2, la);
    p += 2 + la;
    const lds = dv.getUint32(p, true);
    const desc = text(b, p + 4, lds);
    p += 4 + lds;
    const np = dv.getUint32(p, true);
    p += 4;
    const gpsTrack: Coord[] = [];
    for (let i = 0; i < np; i++, p += 24) gpsTrack.push({ x: dv.getFloat64(p, true), y: dv.getFloat64(p + 8, true), z: dv.getFloat64(p + 16, true) });
    hikes.push({ date, description: desc, gpsTrack });
  }
  return { value: { description, hikes }, end: p };
}

/** Writes one HikingDatabase at `o`; returns the bytes written. */
export function writeHiking(b: Uint8Array, dv: DataView, o: number, v: HikingDatabase): number {
  let p = o;
  const ld = enc.encodeInto(v.description, b.subarray(p + 4)).written;
  dv.setUint32(p, ld, true);
  p += 4 + ld;
  dv.setUint32(p, v.hikes.length, true);
  p += 4;
  for (const h of v.hikes) {
    const la = enc.encodeInto(h.date, b.subarray(p + 2)).written;
    dv.setUint16(p, la, true);
    p += 2 + la;
    const lds = enc.encodeInto(h.description, b.subarray(p + 4)).written;
    dv.setUint32(p, lds, true);
    p += 4 + lds;
    dv.setUint32(p, h.gpsTrack.length, true);
    p += 4;
    for (const c of h.gpsTrack) {
      dv.setFloat64(p, c.x, true);
      dv.setFloat64(p + 8, c.y, true);
      dv.setFloat64(p + 16, c.z, true);
      p += 24;
    }
  }
  return p - o;
}

// ---- Windows SYSTEMTIME (Kaitai gallery windows/windows_systemtime.ksy): eight uint16

export function readSystemtime(dv: DataView, o: number): Systemtime {
  return {
    year: dv.getUint16(o, true),
    month: dv.getUint16(o + 2, true),
    dow: dv.getUint16(o + 4, true),
    day: dv.getUint16(o + 6, true),
    hour: dv.getUint16(o + 8, true),
    min: dv.getUint16(o + 10, true),
    sec: dv.getUint16(o + 12, true),
    msec: dv.getUint16(o + 14, true),
  };
}
export function writeSystemtime(dv: DataView, o: number, v: Systemtime): void {
  dv.setUint16(o, v.year, true);
  dv.setUint16(o + 2, v.month, true);
  dv.setUint16(o + 4, v.dow, true);
  dv.setUint16(o + 6, v.day, true);
  dv.setUint16(o + 8, v.hour, true);
  dv.setUint16(o + 10, v.min, true);
  dv.setUint16(o + 12, v.sec, true);
  dv.setUint16(o + 14, v.msec, true);
}

const u16 = (x: number, f: string): number => {
  if (typeof x !== 'number' || (x & 0xffff) !== x) throw new RangeError(`${f}: ${x} is not a uint16`);
  return x;
};

/** writeSystemtime with a codec's checks (room at a whole offset, each value a uint16), as writeMyDataChecked. */
export function writeSystemtimeChecked(dv: DataView, o: number, v: Systemtime): void {
  if (!Number.isInteger(o) || o < 0 || o + 16 > dv.byteLength) throw new RangeError(`SYSTEMTIME needs 16 bytes at ${o}`);
  dv.setUint16(o, u16(v.year, 'year'), true);
  dv.setUint16(o + 2, u16(v.month, 'month'), true);
  dv.setUint16(o + 4, u16(v.dow, 'dow'), true);
  dv.setUint16(o + 6, u16(v.day, 'day'), true);
  dv.setUint16(o + 8, u16(v.hour, 'hour'), true);
  dv.setUint16(o + 10, u16(v.min, 'min'), true);
  dv.setUint16(o + 12, u16(v.sec, 'sec'), true);
  dv.setUint16(o + 14, u16(v.msec, 'msec'), true);
}

// ---- binary STL (Kaitai gallery media/stl.ksy): 80-byte header, count, 50-byte triangles

const vec = (dv: DataView, p: number): Vec3d => ({ x: dv.getFloat32(p, true), y: dv.getFloat32(p + 4, true), z: dv.getFloat32(p + 8, true) });

export function readStl(b: Uint8Array, dv: DataView, o: number): { value: Stl; end: number } {
  const header = b.slice(o, o + 80);
  const n = dv.getUint32(o + 80, true);
  const triangles: Triangle[] = [];
  let p = o + 84;
  for (let i = 0; i < n; i++, p += 50) {
    triangles.push({ normal: vec(dv, p), vertices: [vec(dv, p + 12), vec(dv, p + 24), vec(dv, p + 36)], abr: dv.getUint16(p + 48, true) });
  }
  return { value: { header, triangles }, end: p };
}

const putVec = (dv: DataView, p: number, v: Vec3d): void => {
  dv.setFloat32(p, v.x, true);
  dv.setFloat32(p + 4, v.y, true);
  dv.setFloat32(p + 8, v.z, true);
};

export function writeStl(b: Uint8Array, dv: DataView, o: number, v: Stl): number {
  b.set(v.header, o);
  dv.setUint32(o + 80, v.triangles.length, true);
  let p = o + 84;
  for (const t of v.triangles) {
    putVec(dv, p, t.normal);
    for (let k = 0; k < 3; k++) putVec(dv, p + 12 + 12 * k, t.vertices[k]!);
    dv.setUint16(p + 48, t.abr, true);
    p += 50;
  }
  return p - o;
}
