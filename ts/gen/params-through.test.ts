// A param read through the field holding the object it was passed to (`header.n`, and a value
// instance of that object reading it, `header.twice`): the value the holding type passed, as
// Kaitai reads it. Checked against Kaitai's parser; encode writes what decode reads.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import type { Codec } from './runtime/twinmap-runtime.js';
import { generateFiles } from './index.js';

const spec = `meta:
  id: params_through
  endian: le
seq:
  - id: len
    type: u1
  - id: header
    type: head(len)
  - id: body
    size: header.n * 2
instances:
  doubled:
    value: header.twice
types:
  head:
    params:
      - id: n
        type: u1
    seq:
      - id: x
        type: u1
    instances:
      twice:
        value: n * 2 + x
`;

interface Value {
  len: number;
  header: { x: number };
  body: Uint8Array;
  readonly doubled?: number;
}
let codec: Codec<Value>;
let kaitai: KaitaiClass;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'twinmap-params-through-'));
  const path = join(dir, 'params_through.ksy');
  writeFileSync(path, spec);
  for (const f of await generateFiles([path], { ts: join(dir, 'ts') })) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.text);
  }
  codec = ((await import(/* @vite-ignore */ join(dir, 'ts', 'params_through.ts'))) as Record<string, Codec<Value>>)['ParamsThrough']!;
  kaitai = (await kaitaiParsers(path))['ParamsThrough']!;
});

describe('a param read through the object it was passed to', () => {
  it('is the value the holding type passed, in sizes and in value instances, as Kaitai reads it', () => {
    for (const hex of ['0207aabbccdd', '0009', '0105aabb', '03ff0102030405', '0201aabb']) {
      const bytes = Buffer.from(hex, 'hex');
      let ours: Value | undefined;
      let theirs: Record<string, unknown> | undefined;
      try {
        ours = codec.decode(bytes);
      } catch (e) {
        expect((e as Error).name).toBe('DecodeError');
      }
      try {
        theirs = kaitaiParse(kaitai, bytes);
      } catch {
        theirs = undefined;
      }
      expect(ours === undefined, hex).toBe(theirs === undefined);
      if (!ours || !theirs) continue;
      expect([ours.len, ours.header.x, Buffer.from(ours.body).toString('hex'), ours.doubled], hex).toEqual([theirs['len'], (theirs['header'] as Record<string, unknown>)['x'], Buffer.from(theirs['body'] as Uint8Array).toString('hex'), theirs['doubled']]);
      expect(codec.encode(ours)).toEqual(new Uint8Array(bytes));
    }
    expect(codec.decode(Buffer.from('0207aabbccdd', 'hex')).doubled).toBe(11);
    expect(() => codec.encode({ len: 2, header: { x: 1 }, body: Uint8Array.of(1, 2, 3) })).toThrow(/body/);
  });
});
