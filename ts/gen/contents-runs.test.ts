// `contents` repeated (`repeat: expr`, zero times for a negative count) and under an `if`
// (fixture: fixtures/features/contents_runs.ksy; its C# is compiled by the .NET test project):
// checked against Kaitai's own parser.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBoth, refusalsIn } from '../../interop-tests/support/feature-checks.js';
import { kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { mutate, Rng } from '../../tools/fuzz/fuzz.js';
import { ContentsRuns, type ContentsRuns as ContentsRunsValue } from './fixtures/features/ts/contents_runs.js';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'contents_runs.ksy');
let kaitai: KaitaiClass;

beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['ContentsRuns']!;
});

const fields = (v: ContentsRunsValue): unknown => [v.name, v.hasTail, v.value];
const both = (bytes: Uint8Array): [unknown, unknown] => decodeBoth((b) => ContentsRuns.decode(b), kaitai, bytes, fields);

describe('repeated and conditional contents', () => {
  it('writes the padding and marks its counts ask for, and Kaitai reads them back', () => {
    const bytes = ContentsRuns.encode({ name: 'abc', hasTail: 1, value: 0x1234 });
    expect(Buffer.from(bytes).toString('hex')).toBe('61626300' + '00000000' + '01' + '4f4b' + 'aa55' + '3412');
    expect(both(bytes)).toEqual([['abc', 1, 0x1234], ['abc', 1, 0x1234]]);
    const two = ContentsRuns.encode({ name: 'abcdefg', hasTail: 2, value: 1 });
    expect(Buffer.from(two).toString('hex')).toBe('6162636465666700' + '02' + '4f4b' + 'aa55aa55' + '0100');
    expect(both(two)).toEqual([['abcdefg', 2, 1], ['abcdefg', 2, 1]]);
  });

  it('reads zero elements for a negative count and nothing under a false if, as Kaitai does', () => {
    const bytes = ContentsRuns.encode({ name: 'abcdefghij', hasTail: 0, value: 7 });
    expect(Buffer.from(bytes).toString('hex')).toBe('6162636465666768696a00' + '00' + '0700');
    expect(both(bytes)).toEqual([['abcdefghij', 0, 7], ['abcdefghij', 0, 7]]);
  });

  it('refuses bytes that differ from the contents, naming the field', () => {
    expect(() => ContentsRuns.decode(Buffer.from('6100' + '000000000001' + '01' + '4f4b' + 'aa55' + '0000', 'hex'))).toThrow(/padding/);
    expect(() => ContentsRuns.decode(Buffer.from('6162636465666700' + '01' + '4f4b' + 'aa56' + '0000', 'hex'))).toThrow(/marks/);
  });

  it('agrees with Kaitai on damaged inputs', () => {
    const rng = new Rng(11);
    const good = ContentsRuns.encode({ name: 'ab', hasTail: 3, value: 0xbeef });
    for (let i = 0; i < 400; i++) {
      const bytes = mutate(good, rng);
      const [ours, theirs] = both(bytes);
      expect(ours, Buffer.from(bytes).toString('hex')).toEqual(theirs);
    }
  });

  it('refuses repeat: eos on contents, naming the field', () => {
    const refusal = refusalsIn('contents-runs');
    expect(refusal('c', 'meta: {id: c}\nseq:\n  - {id: pad, contents: [0], repeat: eos}\n')).toBe('/seq/0 (C.pad): repeat: eos on contents is not supported (repeat: expr is)');
  });
});
