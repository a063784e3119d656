// `valid` rules on encode: a value its spec's rule refuses is an EncodeError naming the field and
// the rule, never bytes that decode (twinmap's or Kaitai's parser) would then refuse. Every value
// encode accepts decodes back to itself. Fixtures: valid_rules, valid_write, envelope,
// bit_fields and expressions in fixtures/features (their C# is held to the same by ValidEncodeTests.cs).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { BitFields } from './fixtures/features/ts/bit_fields.js';
import { Envelope } from './fixtures/features/ts/envelope.js';
import { Expressions } from './fixtures/features/ts/expressions.js';
import { ValidWrite, type ValidWrite as ValidWriteValue } from './fixtures/features/ts/valid_write.js';
import { ValidRules } from './fixtures/features/ts/valid_rules.js';
import { EncodeError } from './runtime/twinmap-runtime.js';

const features = join(import.meta.dirname, 'fixtures', 'features');

/** The EncodeError encode throws, or the bytes it wrote. */
function encoded(encode: () => Uint8Array): EncodeError | Uint8Array {
  try {
    return encode();
  } catch (e) {
    if (e instanceof EncodeError) return e;
    throw e;
  }
}

describe('valid rules are checked when encoding', () => {
  const good = { month: 12, kind: 3, even: -4, nibble: 9, rest: 15 } as const;

  it('min/max, any-of and expr: exactly the values the rule accepts encode, and they decode back', () => {
    const cases: Array<[keyof typeof good, number[], (x: number) => boolean]> = [
      ['month', Array.from({ length: 256 }, (_, i) => i), (x) => x >= 1 && x <= 12],
      ['kind', [0, 1, 2, 3, 4, 65535], (x) => x === 1 || x === 3],
      ['even', [-102, -101, -100, -99, -98, -4, -1, 0, 1, 2, 3, 2 ** 31 - 1, 2 ** 31 - 2, -(2 ** 31)], (x) => x % 2 === 0 && x > -100],
      ['nibble', Array.from({ length: 16 }, (_, i) => i), (x) => x <= 9],
    ];
    for (const [field, values, accepts] of cases) {
      for (const x of values) {
        const value = { ...good, [field]: x };
        const out = encoded(() => ValidRules.encode(value as never));
        if (accepts(x)) {
          expect(out, `${field} = ${x}`).toBeInstanceOf(Uint8Array);
          expect(ValidRules.decode(out as Uint8Array)).toEqual(value);
        } else {
          expect(out, `${field} = ${x}`).toBeInstanceOf(EncodeError);
          expect((out as EncodeError).fieldPath).toBe(`ValidRules.${field}`);
          expect((out as EncodeError).message).toMatch(new RegExp(`${x} is not valid \\(`));
        }
      }
    }
  });

  it('a value outside the field type is still refused for its range first', () => {
    const out = encoded(() => ValidRules.encode({ ...good, month: 256 }));
    expect(out).toBeInstanceOf(EncodeError);
    expect((out as EncodeError).fieldPath).toBe('ValidRules.month');
  });

  describe('bounds over other fields (valid_write)', () => {
    let kaitai: KaitaiClass;
    beforeAll(async () => {
      kaitai = (await kaitaiParsers(join(features, 'valid_write.ksy')))['ValidWrite']!;
    });

    it('encode refuses exactly the values whose bytes Kaitai and twinmap refuse to decode', () => {
      let accepted = 0;
      let refused = 0;
      for (let version = 0; version <= 10; version++) {
        for (let minVersion = 0; minVersion <= 12; minVersion += 3) {
          for (let len = 0; len <= 22; len++) {
            for (const hasMore of [false, true]) {
              const value: ValidWriteValue = { version, minVersion, len, hasMore, rest: 5 };
              // The bytes as the spec lays them out, written without any check.
              const raw = Uint8Array.of(version, minVersion, len, (hasMore ? 0x80 : 0) | 5);
              let kaitaiReads = true;
              try {
                kaitaiParse(kaitai, raw);
              } catch {
                kaitaiReads = false;
              }
              const out = encoded(() => ValidWrite.encode(value));
              const where = JSON.stringify(value);
              if (kaitaiReads) {
                accepted++;
                expect(out, where).toEqual(raw);
                const back = ValidWrite.decode(out as Uint8Array);
                expect([back.version, back.minVersion, back.len, back.hasMore, back.rest], where).toEqual([version, minVersion, len, hasMore, 5]);
              } else {
                refused++;
                expect(out, where).toBeInstanceOf(EncodeError);
                expect((out as EncodeError).message, where).toMatch(/ValidWrite\.(minVersion|len|hasMore): .* is not valid/);
                expect(() => ValidWrite.decode(raw), where).toThrow();
              }
            }
          }
        }
      }
      // Both outcomes are exercised.
      expect(accepted).toBeGreaterThan(50);
      expect(refused).toBeGreaterThan(50);
    });

    it('names the rule', () => {
      const out = encoded(() => ValidWrite.encode({ version: 3, minVersion: 4, len: 4, hasMore: true, rest: 0 }));
      expect(String(out)).toBe("EncodeError: ValidWrite.minVersion: 4 is not valid ({'max':'version'})");
    });
  });

  it('in-enum and eq (envelope)', () => {
    const value = Envelope.decode(
      Envelope.encode({
        msgType: 3,
        body: new Uint8Array(0),
        note: 'n',
        big: 1n,
        small: 2,
        ratio: 0.5,
        version: 1,
        pair: { x: 1, y: 2 },
        tags: [],
      }),
    );
    const notMember = encoded(() => Envelope.encode({ ...value, msgType: 7 as never }));
    expect(String(notMember)).toBe('EncodeError: Envelope.msgType: 7 is not a MessageType');
    const notEq = encoded(() => Envelope.encode({ ...value, version: 2 }));
    expect(String(notEq)).toBe('EncodeError: Envelope.version: expected 1, found 2');
  });

  it('eq on a bit field (bit_fields)', () => {
    const value = BitFields.decode(
      BitFields.encode({ version: 5, hasExtra: true, kind: 3, lenPayload: 3, numFlags: 2, payload: Uint8Array.of(1, 2, 3), flags: [true, false], extra: 9, counter: 7, lePart: { low: 1, mid: 2, high: 3, mixed: 4, last: 5 }, packed: [1, 2, 3, 4], tail: [6, 7] } as never),
    );
    expect(String(encoded(() => BitFields.encode({ ...value, version: 4 })))).toBe('EncodeError: BitFields.version: expected 5, found 4');
  });

  it('any-of on bytes and strings (expressions)', () => {
    const value = Expressions.decode(
      Expressions.encode({
        magic: Uint8Array.of(0x54, 0x4d),
        tag: 'abc',
        numText: '04',
        hexText: 'ff',
        scale: 1536,
        ratio: -2.75,
        flags: 3,
        extra: { x: -7, y: 8 },
        points: [{ x: 1, y: 2 }, { x: 3, y: 4 }, { x: 5, y: 6 }],
        words: [500, 7, 65535],
        body: Uint8Array.of(9, 8, 7, 6),
      }),
    );
    expect(encoded(() => Expressions.encode({ ...value, magic: Uint8Array.of(0x4d, 0x54) }))).toBeInstanceOf(Uint8Array);
    const magic = encoded(() => Expressions.encode({ ...value, magic: Uint8Array.of(0x54, 0x54) }));
    expect(magic).toBeInstanceOf(EncodeError);
    expect((magic as EncodeError).fieldPath).toBe('Expressions.magic');
    const tag = encoded(() => Expressions.encode({ ...value, tag: 'abd' }));
    expect(tag).toBeInstanceOf(EncodeError);
    expect((tag as EncodeError).fieldPath).toBe('Expressions.tag');
  });
});
