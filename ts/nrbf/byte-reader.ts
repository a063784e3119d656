// A bounds-checked little-endian cursor over a payload. Every read checks the bytes left first,
// so a length or count in the payload can never make the reader look past its end.
import { NrbfDecodeError } from './errors.js';

const utf8 = new TextDecoder('utf-8'); // replaces bad sequences with U+FFFD, as .NET's reader does

export interface ErrorContext {
  recordIndex: number;
  recordType: string | undefined;
}

export class ByteReader {
  private readonly view: DataView;
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly context: ErrorContext,
    start = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  get left(): number {
    return this.bytes.length - this.pos;
  }

  fail(reason: string, offset = this.pos): never {
    throw new NrbfDecodeError(reason, offset, this.context.recordIndex, this.context.recordType);
  }

  need(n: number, what: string): void {
    if (n > this.left) this.fail(`${what} needs ${n} bytes, only ${this.left} left`);
  }

  u8(what = 'byte'): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  i8(): number {
    this.need(1, 'SByte');
    return this.view.getInt8(this.pos++);
  }

  i16(): number {
    this.need(2, 'Int16');
    const v = this.view.getInt16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u16(): number {
    this.need(2, 'UInt16');
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  i32(what = 'Int32'): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u32(): number {
    this.need(4, 'UInt32');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i64(what = 'Int64'): bigint {
    this.need(8, what);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  u64(what = 'UInt64'): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  f32(): number {
    this.need(4, 'Single');
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64(): number {
    this.need(8, 'Double');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A count or length that must be >= 0. */
  count(what: string): number {
    const at = this.pos;
    const n = this.i32(what);
    if (n < 0) this.fail(`${what} is negative (${n})`, at);
    return n;
  }

  /** LengthPrefixedString: a 7-bit-encoded byte length (at most 5 bytes, at most 2^31-1), then UTF-8. */
  string(what: string): string {
    const at = this.pos;
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      if (shift === 35) this.fail(`${what}: length prefix longer than 5 bytes`, at);
      const b = this.u8(`${what} length`);
      if (shift === 28 && b > 0x07) this.fail(`${what}: length prefix exceeds 2^31-1`, at);
      length += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
    }
    this.need(length, `${what} (${length} bytes)`);
    const s = utf8.decode(this.bytes.subarray(this.pos, this.pos + length));
    this.pos += length;
    return s;
  }

  /** One UTF-16 unit (or, inside a char[], a pair) from 1-4 UTF-8 bytes. */
  codePoint(what: string): number {
    const at = this.pos;
    const b0 = this.u8(what);
    if (b0 < 0x80) return b0;
    const extra = b0 >= 0xf0 && b0 <= 0xf4 ? 3 : b0 >= 0xe0 ? (b0 <= 0xef ? 2 : -1) : b0 >= 0xc2 ? 1 : -1;
    if (extra < 0) this.fail(`${what}: invalid UTF-8 lead byte 0x${b0.toString(16)}`, at);
    this.need(extra, what);
    let cp = b0 & (0x3f >> extra);
    for (let i = 0; i < extra; i++) {
      const b = this.bytes[this.pos++]!;
      if ((b & 0xc0) !== 0x80) this.fail(`${what}: invalid UTF-8 continuation byte`, at);
      cp = (cp << 6) | (b & 0x3f);
    }
    const min = extra === 1 ? 0x80 : extra === 2 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) this.fail(`${what}: invalid UTF-8 sequence`, at);
    return cp;
  }

  /** A copy of the next n bytes, in a fresh aligned buffer. */
  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    // (not bytes.slice: a Node Buffer's slice is a view, not a copy)
    const copy = new Uint8Array(n);
    copy.set(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return copy;
  }
}
