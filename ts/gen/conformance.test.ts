// Conformance: for every spec in formats/, random values (fast-check) encoded by the generated
// TypeScript codec parse to the same values with Kaitai's own generated JS parser, and decode
// back to the same values with the generated decoder.
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { arbitraryOf, asKaitaiNumbers, fromKaitai, type Value } from '../../interop-tests/support/model-tools.js';
import type { Codec } from '../formats/twinmap-runtime.js';
import { loadSpecs } from './load.js';
import type { SpecFile } from './model.js';

const formatsDir = join(import.meta.dirname, '..', '..', 'formats');
const examplesDir = join(import.meta.dirname, '..', '..', 'examples', 'formats');
const galleryDir = join(import.meta.dirname, 'fixtures', 'gallery');
const ksy = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.ksy')).sort();
// [spec, folder of its generated TS]: twinmap's own specs, the examples' sample records, and specs
// from the Kaitai gallery.
const specs: Array<[string, string]> = [
  ...ksy(formatsDir).map((f): [string, string] => [join(formatsDir, f), '../formats']),
  ...ksy(examplesDir).map((f): [string, string] => [join(examplesDir, f), '../../examples/formats/ts']),
  ...ksy(galleryDir).map((f): [string, string] => [join(galleryDir, f), './fixtures/gallery/ts']),
  // Every supported feature (switch, imports, strz, valid, if, repeat eos, sized user types, 64-bit).
  [join(import.meta.dirname, 'fixtures', 'features', 'envelope.ksy'), './fixtures/features/ts'],
  // Corners of Kaitai's semantics (BOM, negative counts, nested endianness, 64-bit enums, ...).
  [join(import.meta.dirname, 'fixtures', 'features', 'edge_cases.ksy'), './fixtures/features/ts'],
  // Bit-sized integers (both bit orders, b1 booleans, alignment after a run of bits).
  [join(import.meta.dirname, 'fixtures', 'features', 'bit_fields.ksy'), './fixtures/features/ts'],
  // Strings in UTF-16LE/BE, ISO-8859-1 and windows-1251.
  [join(import.meta.dirname, 'fixtures', 'features', 'text_encodings.ksy'), './fixtures/features/ts'],
  // repeat: until (`_`, `_.field`, `_index`, `not _.flag`).
  [join(import.meta.dirname, 'fixtures', 'features', 'until_lists.ksy'), './fixtures/features/ts'],
];

describe.each(specs)('%s', (path, generated) => {
  let spec: SpecFile;
  let codec: Codec<Value>;
  let parser: KaitaiClass;

  beforeAll(async () => {
    spec = loadSpecs([path])[0]!;
    const mod = (await import(/* @vite-ignore */ new URL(`${generated}/${spec.id}.ts`, import.meta.url).href)) as Record<string, Codec<Value>>;
    codec = mod[spec.root.name]!;
    parser = (await kaitaiParsers(path))[spec.root.name]!;
  });

  it('encode → Kaitai parser and encode → decode give the values back', () => {
    fc.assert(
      fc.property(arbitraryOf(spec.root), (value) => {
        const bytes = codec.encode(value);
        expect(bytes.length).toBe(codec.sizeOf(value));
        const k = kaitaiParse(parser, bytes);
        expect(fromKaitai(k, spec.root, value)).toEqual(asKaitaiNumbers(value));
        const back = codec.decodeWithSize(bytes);
        expect(back.value).toEqual(value);
        expect(back.size).toBe(bytes.length);
      }),
      { numRuns: 200 },
    );
  });
});
