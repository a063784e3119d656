// Value instances with an `if` used by other expressions, a field of a value instance Kaitai keeps
// (it reads where the stream is), and a repeat to the end of elements sized by a choice of
// constants (fixture: fixtures/features/guarded_values.ksy; its C# is checked by the .NET test
// project). Every field and instance is compared with Kaitai's own parser.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { GuardedValues } from './fixtures/features/ts/guarded_values.js';

let kaitai: KaitaiClass;
beforeAll(async () => {
  kaitai = (await kaitaiParsers(join(import.meta.dirname, 'fixtures', 'features', 'guarded_values.ksy')))['GuardedValues']!;
});

const NAMES = ['kind', 'lenShort', 'lenLong', 'body', 'point', 'chars', 'isShort', 'lenBody', 'extra', 'hasPoint', 'thePoint', 'pointX', 'keptPoint', 'keptX'] as const;

/** Every field and instance, objects as their `x` (Kaitai's objects carry its stream). */
function fields(v: Record<string, unknown>): unknown[] {
  return NAMES.map((n) => {
    const x = v[n];
    if (x instanceof Uint8Array) return [...x];
    if (Array.isArray(x)) return x.map((y) => [...(y as Uint8Array)]);
    if (x && typeof x === 'object') return { x: (x as { x: number }).x };
    return x;
  });
}

describe('value instances with an if, used by other expressions', () => {
  it.each([
    ['short length, no point', '0302aabb0102'],
    ['long length with a point', '800301aabbcc0700ff'],
    ['long length of 1 (no point)', '810101ee0506'],
    ['no body (its length has no value)', 'ff0001020304'],
    ['pairs of chars when kind is 0', '0001aa01020304'],
  ])('reads %s as Kaitai does', (_name, hex) => {
    const bytes = Buffer.from(hex, 'hex');
    const ours = GuardedValues.decode(bytes) as unknown as Record<string, unknown>;
    const theirs = kaitaiParse(kaitai, bytes);
    expect(fields(ours)).toEqual(fields(theirs));
  });

  it('reads a point through a kept value instance (which reads the stream: decode-only)', () => {
    const v = GuardedValues.decode(Buffer.from('800301aabbcc0700ff', 'hex'));
    expect([v.lenBody, v.extra, v.hasPoint, v.pointX, v.keptX]).toEqual([3, 3, true, 7, 7]);
    expect('encode' in GuardedValues).toBe(false);
  });

  it('fails, as Kaitai does, on an element size that is negative', () => {
    const bytes = Buffer.from('fe000105', 'hex');
    expect(() => GuardedValues.decode(bytes)).toThrow(/chars/);
    expect(() => kaitaiParse(kaitai, bytes)).toThrow();
  });
});
