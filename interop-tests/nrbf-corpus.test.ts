// The corpus: a .NET program serializes every shape BinaryFormatter writes (every primitive at its
// edges, strings, classes, structs, every array kind, the BCL collections, shared and cyclic
// references, enums, dates, decimals, generics, a second assembly) and dumps each object as JSON.
// Node must decode each payload to the same dump.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeNrbf, type NrbfDecodeOptions } from '../ts/index.js';
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
});
