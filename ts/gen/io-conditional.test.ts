// `io: a.b._io` through a conditional parse instance (`a` has an `if`): where `a` has a value, the
// instance reads b's stream, as Kaitai does; where it has none, reading it is a DecodeError (Kaitai
// fails too). Checked against Kaitai's parser.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { outcome } from '../../interop-tests/support/feature-checks.js';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import type { DecodeCodec } from './runtime/twinmap-runtime.js';
import { generateFiles } from './index.js';

const spec = `meta:
  id: io_conditional
  endian: le
seq:
  - id: kind
    type: u1
  - id: data
    type: slot
    size: 4
instances:
  inner:
    io: data._io
    pos: 0
    type: wrapper
    if: kind == 1
  second:
    io: inner.body._io
    pos: 1
    type: u1
    if: kind == 1
  unguarded:
    io: inner.body._io
    pos: 0
    type: u1
types:
  slot: {}
  wrapper:
    seq:
      - id: head
        type: u1
      - id: body
        type: slot
        size: 3
`;

interface Value {
  kind: number;
  readonly second?: number;
  readonly unguarded?: number;
}
let codec: DecodeCodec<Value>;
let kaitai: KaitaiClass;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'twinmap-io-conditional-'));
  const path = join(dir, 'io_conditional.ksy');
  writeFileSync(path, spec);
  for (const f of await generateFiles([path], { ts: join(dir, 'ts') })) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.text);
  }
  codec = ((await import(/* @vite-ignore */ join(dir, 'ts', 'io_conditional.ts'))) as Record<string, DecodeCodec<Value>>)['IoConditional']!;
  kaitai = (await kaitaiParsers(path))['IoConditional']!;
});

describe('io through a conditional parse instance', () => {
  it('reads the stream where the instance has a value, and fails where it has none, as Kaitai', () => {
    for (const hex of ['01aabbccdd', '00aabbccdd', '02aabbccdd']) {
      const ours = codec.decode(Buffer.from(hex, 'hex'));
      const theirs = kaitaiParse(kaitai, Buffer.from(hex, 'hex'));
      const fromKaitai = (read: () => unknown): unknown => {
        const x = outcome(read);
        return x === null ? undefined : x;
      };
      expect([outcome(() => ours.second), outcome(() => ours.unguarded)], hex).toEqual([fromKaitai(() => theirs['second']), fromKaitai(() => theirs['unguarded'])]);
    }
    const v = codec.decode(Buffer.from('01aabbccdd', 'hex'));
    expect([v.second, v.unguarded]).toEqual([0xcc, 0xbb]);
    expect(() => codec.decode(Buffer.from('00aabbccdd', 'hex')).unguarded).toThrow(/unguarded/);
  });
});
