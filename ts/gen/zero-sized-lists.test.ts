// Lists to the end of the stream (repeat: eos) or until a condition (repeat: until) of elements that
// may be 0 bytes long (fixture: fixtures/features/zero_sized_lists.ksy; its C# is checked by the .NET
// test project): read as Kaitai reads them, and where an element reads nothing and does not end the
// list (Kaitai's parser would read the same element forever), a DecodeError naming the list.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { ItemList, MarkList, WordList, ZeroSizedLists } from './fixtures/features/ts/zero_sized_lists.js';

let kaitai: KaitaiClass;
beforeAll(async () => {
  kaitai = (await kaitaiParsers(join(import.meta.dirname, 'fixtures', 'features', 'zero_sized_lists.ksy')))['ZeroSizedLists']!;
});

type Obj = Record<string, unknown>;
/** The fields as plain values (Kaitai's objects carry their streams). */
function plain(v: Obj): unknown {
  const marks = v['marks'] as Obj;
  return {
    words: [...((v['words'] as Obj)['words'] as string[])],
    marks: [marks['lenMark'], (marks['marks'] as Uint8Array[]).map((m) => [...m])],
    items: ((v['items'] as Obj)['items'] as Obj[]).map((i) => [...(i['body'] as Uint8Array)]),
  };
}
const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replaceAll(' ', ''), 'hex'));

describe('repeat: eos and repeat: until of elements that may be 0 bytes long', () => {
  it.each([
    ['words ended by an empty one, two sized items', '04 6162 0000  03 01 61 2e  02 01020304', [['ab', ''], [1, [[0x61], [0x2e]]], [[1, 2], [3, 4]]]],
    ['a last word cut by the end (then an empty one at the end), no items', '02 6162  02 01 2e  00', [['ab', ''], [1, [[0x2e]]], []]],
    ['an empty word stream, one item', '00  02 01 2e  03 070809', [[''], [1, [[0x2e]]], [[7, 8, 9]]]],
  ])('reads %s as Kaitai does', (_name, hex, [words, marks, items]) => {
    const input = bytes(hex);
    const v = plain(ZeroSizedLists.decode(input) as unknown as Obj);
    expect(v).toEqual(plain(kaitaiParse(kaitai, input)));
    expect(v).toEqual({ words, marks, items });
    // The lists written back (the root reads _io.size, so it is decode-only): an empty word is its
    // terminator, the same values but not always the same bytes.
    const d = ZeroSizedLists.decode(input);
    expect(WordList.decode(WordList.encode(d.words))).toEqual(d.words);
    expect(MarkList.encode(d.marks)).toEqual(input.subarray(input[0]! + 2, input[0]! + 2 + input[input[0]! + 1]!));
    expect(ItemList.encode(d.items)).toEqual(input.subarray(input[0]! + 2 + input[input[0]! + 1]!));
  });

  it('stops a repeat: eos whose element read nothing before the end with a DecodeError (Kaitai loops there)', () => {
    const input = bytes('00  02 01 2e  00 05');
    expect(() => ZeroSizedLists.decode(input)).toThrow(/ZeroSizedLists\.items\.items at byte 5: element 0 read no bytes and the stream is not at its end/);
    // Kaitai's parser asks for the end at the same place without end; the referee stops it.
    expect(() => kaitaiParse(kaitai, input)).toThrow(/isEof asked 100000 times at position 1/);
  });

  it('stops a repeat: until whose element read nothing and does not meet the condition', () => {
    // len_mark 0: every mark is empty, never [0x2e] (Kaitai reads empty marks forever; not run here).
    for (const hex of ['00  01 00  00', '00  03 00 aabb  00']) {
      expect(() => ZeroSizedLists.decode(bytes(hex))).toThrow(/ZeroSizedLists\.marks\.marks at byte 3: element 0 read no bytes and does not meet the repeat-until condition/);
    }
  });

  it('refuses to encode an element of no bytes in a repeat: eos (reading could not get it back)', () => {
    expect(Buffer.from(ItemList.encode({ lenItem: 2, items: [{ body: Uint8Array.of(1, 2) }] })).toString('hex')).toBe('020102');
    expect(Buffer.from(ItemList.encode({ lenItem: 0, items: [] })).toString('hex')).toBe('00');
    expect(() => ItemList.encode({ lenItem: 0, items: [{ body: Uint8Array.of() }] })).toThrow(/ItemList\.items: element 0 takes no bytes/);
    // An element that meets the condition may take no bytes: it ends the list.
    expect(Buffer.from(WordList.encode({ words: ['ab', ''] })).toString('hex')).toBe('61620000');
  });
});
