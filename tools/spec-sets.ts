// The sets of .ksy specs in this repository and where `twinmap gen` writes their code. One list
// for `npm run gen`, its `--check` in CI (tools/gen.ts), and the tests and fuzzers that load
// every generated codec. Paths are relative to the repository root.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface SpecSet {
  /** What the set is for, in a word. */
  readonly name: string;
  /** The folder of the specs. */
  readonly dir: string;
  /** Only these files of `dir` (default: every `*.ksy` in it). */
  readonly only?: readonly string[];
  /** Where the TS codecs go (`twinmap gen --ts`). */
  readonly ts: string;
  /** Where the C# codecs go (`--cs`), and their namespace. */
  readonly cs: string;
  readonly namespace: string;
  /** Its specs are fuzzed and checked against Kaitai by the codec tests. */
  readonly codecs: boolean;
}

export const specSets: readonly SpecSet[] = [
  // twinmap's own protocol headers (and the JSON record of the IPC layer): library code.
  { name: 'protocol', dir: 'formats', ts: 'ts/formats', cs: 'dotnet/Twinmap/Formats', namespace: 'Twinmap.Formats', codecs: true },
  // Sample records the demo and the interop tests exchange: example code, not in the packages.
  { name: 'examples', dir: 'examples/formats', ts: 'examples/formats/ts', cs: 'examples/dotnet/Formats', namespace: 'Twinmap.Examples.Formats', codecs: true },
  // Generator test fixtures: a spec from the Kaitai gallery, and one that uses every supported feature.
  { name: 'gallery', dir: 'ts/gen/fixtures/gallery', ts: 'ts/gen/fixtures/gallery/ts', cs: 'dotnet/Twinmap.Tests/Gallery', namespace: 'Twinmap.Tests.Gallery', codecs: false },
  { name: 'features', dir: 'ts/gen/fixtures/features', only: ['envelope.ksy', 'edge_cases.ksy', 'bit_fields.ksy', 'text_encodings.ksy', 'until_lists.ksy'], ts: 'ts/gen/fixtures/features/ts', cs: 'dotnet/Twinmap.Tests/Features', namespace: 'Twinmap.Tests.Features', codecs: false },
];

/** The spec files of a set, relative to the repository root, sorted. */
export function specFiles(root: string, set: SpecSet): string[] {
  const names = set.only ?? readdirSync(join(root, set.dir)).filter((f) => f.endsWith('.ksy'));
  return [...names].sort().map((f) => join(set.dir, f));
}
