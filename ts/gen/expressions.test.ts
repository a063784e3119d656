// Kaitai's typed expressions (fixture: fixtures/features/expressions.ksy; its C# is compiled and
// checked by the .NET test project): floats, strings, byte arrays and arrays with their methods,
// literals of each, indexing, element fields, `valid` on byte arrays and strings, and a field read
// through an absent object. Every instance is compared with Kaitai's own parser.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { Expressions, type Expressions as ExpressionsValue } from './fixtures/features/ts/expressions.js';
import { loadSpecs } from './load.js';

const fixture = join(import.meta.dirname, 'fixtures', 'features', 'expressions.ksy');
let kaitai: KaitaiClass;
beforeAll(async () => {
  kaitai = (await kaitaiParsers(fixture))['Expressions']!;
});

const INSTANCES = ['scaled', 'half', 'whole', 'label', 'tagLen', 'num', 'hex', 'isTm', 'tagBeforeM', 'rev', 'mid', 'firstWord', 'lastWord', 'minWord', 'maxWord', 'numWords', 'secondX', 'lastY', 'extraX', 'inverted', 'flagInt', 'bodyLen', 'magicHi', 'bigBody', 'perFlag', 'scaleModFlags', 'wideShift', 'pointSize', 'magicText', 'bodyText'] as const;

function sample(over: Partial<ExpressionsValue> = {}): ExpressionsValue {
  return {
    magic: Uint8Array.of(0x54, 0x4d),
    tag: 'abc',
    numText: '04',
    hexText: 'ff',
    scale: 1536,
    ratio: -2.75,
    flags: 3,
    extra: { x: -7, y: 8 },
    points: [
      { x: 1, y: 2 },
      { x: 3, y: 4 },
      { x: 5, y: 6 },
    ],
    words: [500, 7, 65535],
    body: Uint8Array.of(9, 8, 7, 6),
    ...over,
  };
}

/** Each instance as twinmap reads it and as Kaitai reads it (a failure on both sides: 'fails'). */
function both(bytes: Uint8Array): Array<[string, unknown, unknown]> {
  const ours = Expressions.decode(bytes) as unknown as Record<string, unknown>;
  const theirs = kaitaiParse(kaitai, bytes);
  const get = (o: Record<string, unknown>, k: string): unknown => {
    try {
      return o[k];
    } catch {
      return 'fails';
    }
  };
  return INSTANCES.map((k) => [k, get(ours, k), get(theirs, k)]);
}

describe('typed expressions, as Kaitai computes them', () => {
  it('computes every instance as Kaitai does', () => {
    const bytes = Expressions.encode(sample());
    const got = both(bytes);
    for (const [k, ours, theirs] of got) expect(ours, k).toEqual(theirs);
    expect(Object.fromEntries(got.map(([k, ours]) => [k, ours]))).toEqual({
      scaled: 1.5,
      half: 768,
      whole: -2,
      label: 'abc-1536',
      tagLen: 3,
      num: 4,
      hex: 255,
      isTm: true,
      tagBeforeM: true,
      rev: 'cba',
      mid: 'bc',
      firstWord: 500,
      lastWord: 65535,
      minWord: 7,
      maxWord: 65535,
      numWords: 3,
      secondX: 3,
      lastY: 6,
      extraX: -7,
      inverted: -4,
      flagInt: 1,
      bodyLen: 4,
      magicHi: 0x4d,
      bigBody: true,
      perFlag: 512,
      scaleModFlags: 0,
      wideShift: 1536 * 2 ** 40,
      pointSize: 8,
      magicText: 'TM',
      bodyText: '\t\b\x07\x06',
    });
  });

  it('fails bytes.to_s of bytes not in the encoding with a typed error, where Kaitai fails too', () => {
    const bytes = Expressions.encode(sample({ body: Uint8Array.of(0x41, 0xff, 0x42, 0x43) }));
    const got = Object.fromEntries(both(bytes).map(([k, ours, theirs]) => [k, [ours, theirs]]));
    expect(got['bodyText']).toEqual(['fails', 'fails']);
    expect(() => (Expressions.decode(bytes) as { bodyText: string }).bodyText).toThrow(/bodyText.*byte 0xff is not ASCII/);
  });

  it('fails a division or modulo by zero with a typed error, where Kaitai fails too', () => {
    const { extra: _, ...rest } = sample({ flags: 0 });
    const bytes = Expressions.encode(rest);
    const got = Object.fromEntries(both(bytes).map(([k, ours, theirs]) => [k, [ours, theirs]]));
    expect(got['perFlag']).toEqual(['fails', 'fails']);
    expect(got['scaleModFlags']).toEqual(['fails', 'fails']);
    const v = Expressions.decode(bytes) as { perFlag: number; scaleModFlags: number };
    expect(() => v.perFlag).toThrow(expect.objectContaining({ name: 'DecodeError', message: expect.stringMatching(/perFlag.*division by zero/) }));
    expect(() => v.scaleModFlags).toThrow(/scaleModFlags.*modulo by zero/);
    // The same message as C#'s DecodeException (dotnet/Twinmap.Tests/ExpressionsTests.cs).
    expect(() => v.perFlag).toThrow(expect.objectContaining({ message: 'Expressions.perFlag at byte -1: division by zero in a spec expression' }));
  });

  it('reads through an absent object as a typed error, where Kaitai fails too', () => {
    const { extra: _, ...rest } = sample({ flags: 2, magic: Uint8Array.of(0x4d, 0x54), tag: 'xyz', numText: '0', body: new Uint8Array(0) });
    const bytes = Expressions.encode({ ...rest, numText: '00' });
    const got = Object.fromEntries(both(bytes).map(([k, ours, theirs]) => [k, [ours, theirs]]));
    expect(got['extraX']).toEqual(['fails', 'fails']);
    expect(() => (Expressions.decode(bytes) as { extraX?: number }).extraX).toThrow(/extra.*no value here/);
    expect(got['isTm']).toEqual([false, false]);
    expect(got['tagBeforeM']).toEqual([false, false]);
    expect(got['bodyLen']).toEqual([0, 0]);
    expect(got['bigBody']).toEqual([false, false]);
  });

  it('sizes a field by text (num_text.to_i) when writing, and checks valid on bytes and strings when reading', () => {
    expect(() => Expressions.encode(sample({ numText: '05' }))).toThrow(/body.*4 bytes.*5/);
    const bytes = Expressions.encode(sample());
    const badMagic = bytes.slice();
    badMagic[0] = 0x55;
    expect(() => Expressions.decode(badMagic)).toThrow(/magic.*not valid/);
    expect(() => kaitaiParse(kaitai, badMagic)).toThrow();
    const badTag = bytes.slice();
    badTag[2] = 0x62;
    expect(() => Expressions.decode(badTag)).toThrow(/tag.*not valid/);
    expect(() => kaitaiParse(kaitai, badTag)).toThrow();
  });

  it('refuses expressions whose types do not fit, naming the place and the types', () => {
    const dir = mkdtempSync(join(tmpdir(), 'twinmap-expressions-'));
    const refusal = (extra: string): string => {
      const path = join(dir, 'bad.ksy');
      writeFileSync(path, `meta: {id: bad, endian: le}\nseq:\n  - {id: tag, type: str, size: 2, encoding: ASCII}\n  - {id: words, type: u2, repeat: expr, repeat-expr: 2}\n${extra}`);
      try {
        loadSpecs([path]);
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(refusal('instances:\n  x: {value: tag + 1}\n')).toMatch(/\/instances\/x.*'\+' cannot add a string and an integer/);
    expect(refusal('  - {id: body, size: tag}\n')).toMatch(/\/seq\/2.*size must be an integer expression \(this one is a string\)/);
    expect(refusal('instances:\n  x: {value: "words.substring(0, 1)"}\n')).toMatch(/'\.substring' on an array of integers is not supported/);
    expect(refusal('instances:\n  x: {value: tag.size}\n')).toMatch(/'\.size' on a string is not supported/);
    expect(refusal('  - {id: body, size: 2, if: tag}\n')).toMatch(/if must be a boolean expression \(this one is a string\)/);
    expect(refusal('instances:\n  x: {value: sizeof<nope>}\n')).toMatch(/\/instances\/x.*'sizeof<nope>': no type 'nope' here/);
    expect(refusal('  - {id: body, size: words.size}\ninstances:\n  x: {value: sizeof<bad>}\n')).toMatch(/'sizeof<bad>': Bad has no fixed size/);
  });
});

describe('.min and .max of 64-bit elements', () => {
  it('compares the bigints exactly and rounds the one found once', async () => {
    const { arrayMin, arrayMax } = await import('./runtime/twinmap-runtime.js');
    const big = [2n ** 60n + 1n, -(2n ** 63n), 2n ** 63n - 1n, 5n];
    expect([arrayMin(big), arrayMax(big)]).toEqual([-(2 ** 63), 2 ** 63]);
    expect([arrayMin([3, 1, 2]), arrayMax([3, 1, 2])]).toEqual([1, 3]);
    expect([arrayMin([]), arrayMax([])]).toEqual([NaN, NaN]);
  });
});
