// The YAML side of a .ksy spec: parsing with exact integers, the map helpers the loader reads
// it with, and the error every refusal is.
import { parse as parseYaml } from 'yaml';
import { TwinmapError } from '../errors.js';

/** A spec the generator cannot use: names the file, the place in it, and the problem. */
export class SpecError extends TwinmapError {
  override name = 'SpecError';
  constructor(
    readonly specFile: string,
    readonly at: string,
    readonly problem: string,
    code: 'UNSUPPORTED' | 'INVALID_ARGUMENT' = 'UNSUPPORTED',
  ) {
    super(code, `${specFile}: ${at || '/'}: ${problem}`);
  }
}

export type Yaml = Record<string, unknown>;

export function isMap(v: unknown): v is Yaml {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keys the generator reads: Kaitai ignores keys that start with '-' (`-orig-id`, `-webide-representation`). */
export function keysOf(node: Yaml): string[] {
  return Object.keys(node).filter((k) => !k.startsWith('-'));
}

/**
 * YAML with integers kept exact: numbers beyond 2^53 stay bigint (64-bit enum values, masks),
 * everything else becomes a plain number.
 */
export function parseSpecYaml(text: string): unknown {
  const exact = (v: unknown): unknown => {
    if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v ? Number(v) : v;
    if (Array.isArray(v)) return v.map(exact);
    if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, exact(x)]));
    return v;
  };
  return exact(parseYaml(text, { intAsBigInt: true }));
}

export function docOf(node: Yaml): string | undefined {
  const d = node['doc'];
  return typeof d === 'string' ? d.trim() : undefined;
}
