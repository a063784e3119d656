// .NET `decimal` as text: the form BinaryFormatter writes (invariant ToString: optional '-',
// digits, optional '.' and digits; at most 96 bits of coefficient and a scale of at most 28).
const MAX_COEFFICIENT = (1n << 96n) - 1n;
const DECIMAL_TEXT = /^-?(\d+)(?:\.(\d+))?$/;

/** Whether `s` is a decimal value BinaryFormatter could have written. */
export function isDecimalText(s: string): boolean {
  if (s.length > 64) return false;
  const m = DECIMAL_TEXT.exec(s);
  if (m === null) return false;
  const fraction = m[2] ?? '';
  if (fraction.length > 28) return false;
  return BigInt(m[1]! + fraction) <= MAX_COEFFICIENT;
}

/** The text of the decimal with these four Int32 fields (System.Decimal's serialized members); undefined if invalid. */
export function decimalFromBits(flags: number, hi: number, mid: number, lo: number): string | undefined {
  const scale = (flags >>> 16) & 0xff;
  if ((flags & 0x7f00ffff) !== 0 || scale > 28) return undefined;
  const coefficient = (BigInt(hi >>> 0) << 64n) | (BigInt(mid >>> 0) << 32n) | BigInt(lo >>> 0);
  let digits = coefficient.toString().padStart(scale + 1, '0');
  if (scale > 0) digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return flags < 0 ? `-${digits}` : digits;
}

/** The four Int32 fields of a decimal text (for writing a decimal at the root). */
export function decimalToBits(text: string): { flags: number; hi: number; mid: number; lo: number } {
  const m = DECIMAL_TEXT.exec(text);
  if (m === null) throw new RangeError(`not a decimal: ${text}`);
  const fraction = m[2] ?? '';
  const c = BigInt(m[1]! + fraction);
  return {
    flags: ((fraction.length << 16) | (text.startsWith('-') ? 0x80000000 : 0)) | 0,
    hi: Number((c >> 64n) & 0xffffffffn) | 0,
    mid: Number((c >> 32n) & 0xffffffffn) | 0,
    lo: Number(c & 0xffffffffn) | 0,
  };
}
