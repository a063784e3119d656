// The corpus: a .NET program serializes every shape BinaryFormatter writes (every primitive at its
// edges, strings, classes, structs, every array kind, the BCL collections, shared and cyclic
// references, enums, dates, decimals, generics, a second assembly) and dumps each object as JSON.
// Node must decode each payload to the same dump; then Node re-encodes each, and BinaryFormatter
// must read back a graph equal to the original (and NrbfDecoder, the BCL's safe reader, must accept it).
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeNrbf, encodeNrbf, type NrbfDecodeOptions } from '../ts/index.js';
import { fuzzNrbf } from '../tools/fuzz/nrbf-fuzz.js';
import { runApp } from './nrbf/app.js';
import { dump } from './nrbf/dump.js';

// Shapes BinaryFormatter wrote without member types (TypesWhenNeeded): the reader needs the
// primitive fields' types, as a reader of such a stream always does.
const layouts: Record<string, NrbfDecodeOptions['layouts']> = {
  'myclass-untyped': { 'Twinmap.NrbfApp.MyClass': {} },
  'primitives-untyped': {
    'Twinmap.NrbfApp.AllPrimitives': {
      Bool: 'Boolean', Byte: 'Byte', SByte: 'SByte', Int16: 'Int16', UInt16: 'UInt16', Int32: 'Int32', UInt32: 'UInt32',
      Int64: 'Int64', UInt64: 'UInt64', Single: 'Single', Double: 'Double', Char: 'Char', Decimal: 'Decimal',
      DateTime: 'DateTime', TimeSpan: 'TimeSpan',
    },
  },
};

const dir = mkdtempSync(join(tmpdir(), 'twinmap-nrbf-corpus-'));
let names: string[] = [];

beforeAll(async () => {
  const [done] = await runApp('corpus', { dir });
  expect(done!['count']).toBeGreaterThanOrEqual(40);
  names = readdirSync(dir)
    .filter((f) => f.endsWith('.bin'))
    .map((f) => f.slice(0, -4))
    .sort();
  expect(names.length).toBe(done!['count']);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('NRBF corpus written by BinaryFormatter', () => {
  it('decodes every shape to the dump the .NET program made of the same object', () => {
    const mismatched: string[] = [];
    for (const name of names) {
      const want: unknown = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
      try {
        const got = dump(decodeNrbf(readFileSync(join(dir, `${name}.bin`)), { layouts: layouts[name] ?? {} }));
        expect(got, name).toEqual(want);
      } catch (e) {
        mismatched.push(`${name}: ${(e as Error).message.slice(0, 2000)}`);
      }
    }
    expect(mismatched).toEqual([]);
  });

  it('re-encodes every shape into bytes BinaryFormatter reads back as an equal graph (NrbfDecoder accepts them too)', async () => {
    for (const name of names) {
      const graph = decodeNrbf(readFileSync(join(dir, `${name}.bin`)), { layouts: layouts[name] ?? {} });
      writeFileSync(join(dir, `${name}.node.bin`), encodeNrbf(graph));
    }
    const checks = await runApp('check', { dir });
    expect(checks.map((c) => c['name']).sort()).toEqual(names);
    const unequal = checks.filter((c) => c['equal'] !== true).map((c) => `${String(c['name'])}: got ${String(c['got']).slice(0, 600)}\n  expected ${String(c['expected']).slice(0, 600)}`);
    expect(unequal).toEqual([]);
    // NrbfDecoder refuses arrays with non-zero lower bounds (NotSupportedException); every other payload must pass it
    const refused = checks.filter((c) => !String(c['referee']).startsWith('ok') && c['name'] !== 'lower-bound-array').map((c) => `${String(c['name'])}: ${String(c['referee'])}`);
    expect(refused).toEqual([]);
  });

  it('refuses damaged payloads with NrbfDecodeError only (a sample of `npm run fuzz:nrbf`)', () => {
    const seeds = names.map((name) => new Uint8Array(readFileSync(join(dir, `${name}.bin`))));
    const r = fuzzNrbf(seeds, 5_000, 7);
    expect(r.crashes).toEqual([]);
    expect(r.inputs).toBe(5_000);
    expect(r.refused).toBeGreaterThan(2_500);
    expect(r.accepted).toBeGreaterThan(50);
  });
});
