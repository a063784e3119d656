// A short mutation-fuzz run of every generated decoder, TS in this process and C# in the .NET
// Peer (.NET 10): damaged inputs give a value or a DecodeError, never another exception or a
// hang. `npm run fuzz` runs the same with 10^6 inputs per record type.
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Codec } from '../ts/gen/runtime/twinmap-runtime.js';
import { fuzzDecoder, type FuzzResult } from '../tools/fuzz/fuzz.js';
import { specFiles, specSets } from '../tools/spec-sets.js';
import { loadSpecs } from '../ts/gen/load.js';
import { Peer } from './peer.js';
import { arbitraryOf, type Value } from './support/model-tools.js';

const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'twinmap-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function seeds(): Promise<Array<{ name: string; codec: Codec<Value>; seeds: Uint8Array[] }>> {
  const out = [];
  for (const set of specSets.filter((s) => s.codecs)) {
    for (const file of specFiles(root, set)) {
      const spec = loadSpecs([join(root, file)])[0]!;
      const mod = (await import(/* @vite-ignore */ new URL(`../${set.ts}/${spec.id}.ts`, import.meta.url).href)) as Record<string, Codec<Value>>;
      const codec = mod[spec.root.name]!;
      out.push({ name: spec.root.name, codec, seeds: fc.sample(arbitraryOf(spec.root), { numRuns: 16, seed: 7 }).map((v) => codec.encode(v)) });
    }
  }
  return out;
}

describe('fuzzing the generated decoders (short run)', () => {
  it('TS: 20,000 damaged inputs per record type, only values and DecodeErrors', async () => {
    for (const { name, codec, seeds: s } of await seeds()) {
      const r = fuzzDecoder(name, (b) => codec.decode(b), s, 20_000, 7);
      expect(r.crashSamples, name).toEqual([]);
      expect(r.decoded + r.decodeErrors).toBe(20_000);
      expect(r.decodeErrors, `${name}: mutations must hit the error paths`).toBeGreaterThan(0);
    }
  });

  it('C#: 5,000 damaged inputs per record type in the .NET Peer, only values and DecodeExceptions', async () => {
    const all = await seeds();
    const file = join(dir, 'seeds.json');
    writeFileSync(file, JSON.stringify(Object.fromEntries(all.map((a) => [a.name, a.seeds.map((x) => Buffer.from(x).toString('hex'))]))));
    const events = await Peer.run('codec-fuzz', { seeds: file, iterations: 5000, seed: 7 });
    const results = events.filter((e) => e.event === 'fuzzed') as unknown as FuzzResult[];
    const seedRecords = ['HikingDatabase', 'ImageData', 'JsonRecord', 'MyDataStructure', 'TestData'];
    expect(results.map((r) => r.name)).toEqual(expect.arrayContaining(seedRecords));
    for (const r of results) {
      expect(r.crashSamples, r.name).toEqual([]);
      expect(r.decoded + r.decodeErrors).toBe(5000);
    }
  });
});
