// The sets of .ksy specs in this repository and where `twinmap gen` writes their code. One list
// for `npm run gen`, its `--check` in CI (tools/gen.ts), and the tests and fuzzers that load
// every generated codec. Paths are relative to the repository root.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GenerateOptions } from '../ts/gen/index.js';

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
  /** The one TS runtime the set imports (no copy is written beside its code). */
  readonly tsRuntime: string;
  /** The namespace of the one C# runtime the set uses; unset = the set writes it (the protocol set). */
  readonly csRuntime?: string;
}

// Generated code in this repository shares one runtime per language instead of a copy per folder:
// the TS template itself (compiled into the package as dist/ts/gen/runtime/) and the C# runtime
// the protocol set writes into the Twinmap library. `twinmap gen` without --ts-runtime and
// --cs-runtime still writes a standalone copy beside the code, as users get it.
const tsRuntime = 'ts/gen/runtime/twinmap-runtime.ts';
const runtimes = { tsRuntime, csRuntime: 'Twinmap.Formats' } as const;

export const specSets: readonly SpecSet[] = [
  // twinmap's own protocol headers (and the JSON record of the IPC layer): library code.
  { name: 'protocol', dir: 'formats', ts: 'ts/formats', cs: 'dotnet/Twinmap/Formats', namespace: 'Twinmap.Formats', codecs: true, tsRuntime },
  // Sample records the demo and the interop tests exchange: example code, not in the packages.
  { name: 'examples', dir: 'examples/formats', ts: 'examples/formats/ts', cs: 'examples/dotnet/Formats', namespace: 'Twinmap.Examples.Formats', codecs: true, ...runtimes },
  // Generator test fixtures: a spec from the Kaitai gallery, and one that uses every supported feature.
  { name: 'gallery', dir: 'ts/gen/fixtures/gallery', ts: 'ts/gen/fixtures/gallery/ts', cs: 'dotnet/Twinmap.Tests/Gallery', namespace: 'Twinmap.Tests.Gallery', codecs: false, ...runtimes },
  { name: 'features', dir: 'ts/gen/fixtures/features', only: ['envelope.ksy', 'edge_cases.ksy', 'bit_fields.ksy', 'text_encodings.ksy', 'until_lists.ksy', 'valid_rules.ksy', 'shared_names.ksy', 'instance_refs.ksy', 'substreams.ksy', 'parent_root.ksy', 'int_switch.ksy', 'switch_cases.ksy', 'switch_kinds.ksy', 'switch_bits.ksy', 'switch_nibbles.ksy', 'contents_runs.ksy', 'switched_endian.ksy', 'stream_positions.ksy', 'zero_sized.ksy', 'io_paths.ksy', 'unnamed_entries.ksy', 'root_params.ksy', 'wide_bits.ksy', 'expressions.ksy', 'element_index.ksy', 'value_params.ksy', 'parent_streams.ksy', 'guarded_values.ksy', 'valid_bounds.ksy', 'element_values.ksy', 'zlib_data.ksy', 'code_pages.ksy', 'root_later.ksy', 'bytewise.ksy', 'elements_so_far.ksy', 'later_fields.ksy', 'zero_sized_lists.ksy', 'valid_write.ksy'], ts: 'ts/gen/fixtures/features/ts', cs: 'dotnet/Twinmap.Tests/Features', namespace: 'Twinmap.Tests.Features', codecs: false, ...runtimes },
];

/** The options of `generate()` for a set. */
export function genOptions(set: SpecSet): GenerateOptions {
  return { ts: set.ts, cs: set.cs, namespace: set.namespace, tsRuntime: set.tsRuntime, ...(set.csRuntime !== undefined && { csRuntime: set.csRuntime }) };
}

/** The spec files of a set, relative to the repository root, sorted. */
export function specFiles(root: string, set: SpecSet): string[] {
  const names = set.only ?? readdirSync(join(root, set.dir)).filter((f) => f.endsWith('.ksy'));
  return [...names].sort().map((f) => join(set.dir, f));
}
