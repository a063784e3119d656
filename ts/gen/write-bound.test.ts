// encodeInto of a variable-size type with text: when the room is at least a bound (3 bytes per
// UTF-16 unit) the value is written without measuring its text first, so the straight-line writer
// checks the text itself (lone surrogates, ASCII). Every path must give the same bytes and the
// same errors as the exact one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFiles } from './index.js';

const SPEC = `meta:
  id: bound_text
  endian: le
seq:
  - id: len_name
    type: u1
  - id: name
    type: str
    size: len_name
    encoding: ASCII
  - id: len_note
    type: u2
  - id: note
    type: str
    size: len_note
    encoding: UTF-8
  - id: num_items
    type: u1
  - id: items
    type: item
    repeat: expr
    repeat-expr: num_items
types:
  item:
    seq:
      - id: len_label
        type: u1
      - id: label
        type: str
        size: len_label
        encoding: UTF-8
      - id: weight
        type: u2
`;

interface Item {
  label: string;
  weight: number;
}
interface BoundText {
  name: string;
  note: string;
  items: Item[];
}
interface Codec {
  encode(v: BoundText): Uint8Array;
  encodeInto(v: BoundText, target: Uint8Array, offset?: number): number;
  decode(b: Uint8Array): BoundText;
  sizeOf(v: BoundText): number;
}

let dir: string;
let codec: Codec;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'twinmap-write-bound-'));
  writeFileSync(join(dir, 'bound_text.ksy'), SPEC);
  for (const f of await generateFiles([join(dir, 'bound_text.ksy')], { js: dir, skipKaitai: true })) writeFileSync(f.path, f.text);
  codec = ((await import(pathToFileURL(join(dir, 'bound_text.js')).href)) as { BoundText: Codec }).BoundText;
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const value: BoundText = {
  name: 'plain',
  note: 'Grüße, 東京 and 😀',
  items: [
    { label: 'é', weight: 1 },
    { label: '𝄞 clef', weight: 65535 },
  ],
};

describe('encodeInto with room for the bound, for the exact size only, and too little', () => {
  it('writes the same bytes at any offset and returns the exact size', () => {
    const exact = codec.encode(value);
    expect(exact.length).toBe(codec.sizeOf(value));
    expect(codec.decode(exact)).toEqual(value);
    for (const room of [exact.length, exact.length + 5, 3 * exact.length + 16]) {
      const target = new Uint8Array(room + 3).fill(0xee);
      expect(codec.encodeInto(value, target, 3)).toBe(exact.length);
      expect(target.subarray(3, 3 + exact.length)).toEqual(exact);
      // Nothing past the record is touched.
      expect([...target.subarray(3 + exact.length)].every((b) => b === 0xee)).toBe(true);
    }
  });

  it('refuses a buffer smaller than the exact size with an EncodeError', () => {
    const n = codec.sizeOf(value);
    expect(() => codec.encodeInto(value, new Uint8Array(n - 1))).toThrow(/needs \d+ bytes/);
  });

  it('refuses a lone surrogate and non-ASCII text with the EncodeError that names the field, whatever the room', () => {
    const big = new Uint8Array(4096);
    expect(() => codec.encodeInto({ ...value, note: 'a\ud800b' }, big)).toThrow(/note.*lone surrogate/);
    expect(() => codec.encodeInto({ ...value, items: [{ label: '\udc00', weight: 1 }] }, big)).toThrow(/label.*lone surrogate/);
    expect(() => codec.encodeInto({ ...value, name: 'naïve' }, big)).toThrow(/name.*not ASCII/);
    expect(() => codec.encodeInto({ ...value, note: 42 as unknown as string }, big)).toThrow(/note.*expected a string/);
    expect(() => codec.encodeInto({ ...value, items: [{ label: 'x', weight: 65536 }] }, big)).toThrow(/items\[0\]\.weight/);
    expect(() => codec.encodeInto({ ...value, items: { length: 'x' } as unknown as Item[] }, big)).toThrow();
  });

  it('refuses a lone surrogate every time, also after well-formed text', () => {
    const big = new Uint8Array(4096);
    const ok = { ...value, note: 'ab' };
    expect(codec.encodeInto(ok, big)).toBe(codec.sizeOf(ok));
    for (let i = 0; i < 2; i++) expect(() => codec.encodeInto({ ...value, note: 'a\ud800' }, big)).toThrow(/note.*lone surrogate/);
    expect(codec.encodeInto(ok, big)).toBe(codec.sizeOf(ok));
  });
});
