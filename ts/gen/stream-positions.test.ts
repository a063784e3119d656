// Where a stream is when an instance first uses it (fixture: fixtures/features/stream_positions.ksy):
// a seq field sized by a positioned instance, `_io.pos` kept from its first use, instances without
// `pos` reading wherever their (shared) stream is, `_io.eof`, a list read until a position.
// Checked against Kaitai's parser, reading fields and instances in the same order from both.
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBoth, outcome } from '../../interop-tests/support/feature-checks.js';
import { kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { mutate, Rng } from '../../tools/fuzz/fuzz.js';
import { StreamPositions } from './fixtures/features/ts/stream_positions.js';
import { join } from 'node:path';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'stream_positions.ksy');
// len_header 3: header [03 01 ee]; 2 records [0a 0b] [0c 0d]; then 77 88 99 after the seq.
const sample = Uint8Array.of(3, 1, 0xee, 2, 0x0a, 0x0b, 0x0c, 0x0d, 0x77, 0x88, 0x99);
let kaitai: KaitaiClass;

beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['StreamPositions']!;
});

type Rec = { kind: number; startOfs: number; laterOfs: number; tag: { value: number; peek: number } };
type Top = { lenHeader: number; header: { len: number; flags: number; rest: Uint8Array }; records: Rec[]; nextByte: number; atEnd: boolean; tail: number[] };

/** Fields and instances in one fixed order (the order matters: instances without pos move their stream). */
function walk(v: Top): unknown[] {
  return [
    outcome(() => v.lenHeader),
    outcome(() => [v.header.len, v.header.flags]),
    outcome(() => v.header.rest),
    ...v.records.map((r) => outcome(() => [r.kind, r.tag.value, r.startOfs])),
    outcome(() => v.records[0]?.laterOfs),
    outcome(() => v.nextByte),
    ...v.records.map((r) => outcome(() => r.tag.peek)),
    outcome(() => v.atEnd),
    outcome(() => v.tail),
    ...v.records.map((r) => outcome(() => r.laterOfs)),
  ];
}

describe('stream positions seen by instances', () => {
  it('reads each instance where Kaitai does', () => {
    const v = StreamPositions.decode(sample) as unknown as Top;
    expect(walk(v)).toEqual([3, [3, 1], 'ee', [0x0a, 0x0b, 4], [0x0c, 0x0d, 6], 8, 0x77, 0x88, 0x99, true, [0x9988], 8, 11]);
    const [ours, theirs] = decodeBoth((b) => StreamPositions.decode(b), kaitai, sample, walk);
    expect(ours).toEqual(theirs);
  });

  it('keeps an instance a seq field used while reading (read once, at that moment)', () => {
    const v = StreamPositions.decode(sample) as unknown as Top;
    // Used first after the decode: where the stream is then; used by `mark`'s if: where the record started.
    expect(v.records.map((r) => r.laterOfs)).toEqual([8, 8]);
    expect(v.records.map((r) => r.startOfs)).toEqual([4, 6]);
  });

  it('agrees with Kaitai on damaged and random inputs', () => {
    const rng = new Rng(9);
    for (let i = 0; i < 400; i++) {
      const bytes = i % 5 === 4 ? Uint8Array.from({ length: rng.below(24) }, () => rng.below(256)) : mutate(sample, rng);
      const [ours, theirs] = decodeBoth((b) => StreamPositions.decode(b), kaitai, bytes, walk);
      expect(ours, Buffer.from(bytes).toString('hex')).toEqual(theirs);
    }
  });

  it('fails an instance without pos at the end of its stream with a DecodeError naming it', () => {
    const v = StreamPositions.decode(sample.subarray(0, 8));
    expect(() => v.nextByte).toThrow(/StreamPositions\.nextByte at byte 8: needs 1 bytes, 0 left/);
  });
});
