// process: zlib in generated code (fixture: fixtures/features/zlib_data.ksy): a type read from
// what its bytes inflate to (a stream of its own), inflated bytes, bounded output, typed errors
// for data that is not zlib, and no encode. Checked against Kaitai's parser.
import { beforeAll, describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { DecodeError, MAX_INFLATED } from './runtime/twinmap-runtime.js';
import { ZlibData } from './fixtures/features/ts/zlib_data.js';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'zlib_data.ksy');
let kaitai: KaitaiClass;
beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['ZlibData']!;
});

/** len_header, header (zlib), kind, blob (zlib). */
function record(header: Uint8Array, kind: number, blob: Uint8Array): Uint8Array {
  const h = deflateSync(header);
  const out = new Uint8Array(2 + h.length + 1 + blob.length);
  new DataView(out.buffer).setUint16(0, h.length, true);
  out.set(h, 2);
  out[2 + h.length] = kind;
  out.set(blob, 3 + h.length);
  return out;
}
const header = Uint8Array.of(2, ...Buffer.from('ab\0cde\0'));
const payload = Buffer.from('hello, inflated world '.repeat(40));

describe('process: zlib', () => {
  it('reads a type from the inflated bytes (its own stream) and inflates plain bytes, as Kaitai does', () => {
    const bytes = record(header, 1, deflateSync(payload));
    const v = ZlibData.decode(bytes);
    expect(v.header.names).toEqual(['ab', 'cde']);
    expect(v.header.inflatedSize).toBe(header.length);
    expect(Buffer.from(v.blob!).toString()).toBe(payload.toString());
    const k = kaitaiParse(kaitai, bytes) as unknown as { header: { names: string[]; inflatedSize: number }; blob: Uint8Array };
    expect(k.header.names).toEqual(v.header.names);
    expect(k.header.inflatedSize).toBe(v.header.inflatedSize);
    expect(Buffer.from(k.blob).equals(Buffer.from(v.blob!))).toBe(true);
    // Under a false if nothing is inflated (not even checked).
    expect(ZlibData.decode(record(header, 0, Uint8Array.of(1, 2, 3))).blob).toBeUndefined();
  });

  it('fails data that is not zlib or is cut short with a DecodeError naming the field, as Kaitai fails', () => {
    const whole = deflateSync(payload);
    for (const blob of [Uint8Array.of(1, 2, 3, 4), whole.subarray(0, whole.length - 2), new Uint8Array(0)]) {
      const bytes = record(header, 1, blob);
      const e = (() => { try { ZlibData.decode(bytes); } catch (x) { return x; } })();
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).fieldPath).toBe('ZlibData.blob');
      expect((e as DecodeError).message).toMatch(/is not valid zlib data/);
      expect(() => kaitaiParse(kaitai, bytes)).toThrow();
    }
  });

  it(`refuses zlib data that inflates to more than MAX_INFLATED (${MAX_INFLATED}) bytes, without inflating it all`, () => {
    const bomb = deflateSync(new Uint8Array(MAX_INFLATED + 1), { level: 9 });
    expect(bomb.length).toBeLessThan(MAX_INFLATED / 500);
    const bytes = record(header, 1, bomb);
    expect(() => ZlibData.decode(bytes)).toThrow(/ZlibData\.blob at byte \d+: zlib data inflates to more than 67108864 bytes/);
    // Exactly the limit is read.
    const full = ZlibData.decode(record(header, 1, deflateSync(new Uint8Array(MAX_INFLATED), { level: 9 })));
    expect(full.blob!.length).toBe(MAX_INFLATED);
  });

  it('is decode-only: no encode (compressed bytes are not determined by what they inflate to)', () => {
    expect('encode' in ZlibData).toBe(false);
    // @ts-expect-error a decode-only codec has no encode (a compile error, not a runtime surprise)
    const encode: unknown = ZlibData.encode;
    expect(encode).toBeUndefined();
  });
});
