// Casts, another type's value instance made of repeated and conditional fields, a repeat-until on a
// value instance of the element, value instances of elements (`marks.first.is_last`), and a repeat to the end of elements that always read a bit
// (fixture: fixtures/features/element_values.ksy; its C# is checked by the .NET test project).
// Every field and instance is compared with Kaitai's own parser.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { ElementValues } from './fixtures/features/ts/element_values.js';

let kaitai: KaitaiClass;
beforeAll(async () => {
  kaitai = (await kaitaiParsers(join(import.meta.dirname, 'fixtures', 'features', 'element_values.ksy')))['ElementValues']!;
});

type Obj = Record<string, unknown>;
/** The fields and instances, as plain values (Kaitai's objects carry their streams). */
function plain(v: Obj): unknown {
  const num = v['num'] as Obj;
  return {
    num: [[...(num['groups'] as number[])], num['extra'], num['value']],
    body: [...(v['body'] as Uint8Array)],
    marks: (v['marks'] as Obj[]).map((m) => [m['code'], m['isLast']]),
    flags: (v['flags'] as Obj[]).map((f) => [f['wide'], f['low'], f['high'], [...(f['data'] as Uint8Array)]]),
    tag: [...(v['tag'] as Uint8Array)],
    ends: [v['firstEnds'], v['lastCode']],
  };
}

describe('casts, value instances of other types and of elements', () => {
  it.each([
    ['a one-byte length', '02aabb0501000203'],
    ['a two-group length with its extra byte', '800102aabbcc05ff80ee7f'],
    ['marks ended by 0xff, no flags', '00ff'],
  ])('reads %s as Kaitai does', (_name, hex) => {
    const bytes = Buffer.from(hex, 'hex');
    expect(plain(ElementValues.decode(bytes) as unknown as Obj)).toEqual(plain(kaitaiParse(kaitai, bytes)));
  });

  it('encodes a body sized by num.value and stops marks at the element whose is_last holds', () => {
    const v = ElementValues.decode(Buffer.from('800102aabbcc05ff80ee7f', 'hex'));
    expect([v.num.value, v.marks.length, [...v.tag!], v.firstEnds, v.lastCode]).toEqual([3, 2, [0x45, 0x42, 0x41], false, 0xff]);
    expect(Buffer.from(ElementValues.encode(v)).toString('hex')).toBe('800102aabbcc05ff80ee7f');
    expect(() => ElementValues.encode({ ...v, body: Uint8Array.of(1) })).toThrow(/body/);
    expect(() => ElementValues.encode({ ...v, marks: [{ code: 0 }, { code: 1 }] })).toThrow(/marks/);
  });
});
