// Kaitai's own compiler (npm kaitai-struct-compiler) as the referee: every spec twinmap generates
// code for is also compiled by it, and its errors are shown as they are.
import { readFile } from 'node:fs/promises';
import { dirname, join, normalize, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SpecError } from './load.js';

/**
 * YAML as Kaitai's own loader sees it: integers beyond 2^53 stay exact (as map keys, e.g. 64-bit
 * enum values, and as expression text elsewhere) instead of being rounded by a double.
 */
function parseKsy(text: string): unknown {
  const exact = (v: unknown): unknown => {
    if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
    if (Array.isArray(v)) return v.map(exact);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, exact(x)]));
    return v;
  };
  return exact(parseYaml(text, { intAsBigInt: true }));
}

type Compiler = (typeof import('kaitai-struct-compiler'))['default'];
let compilerPromise: Promise<Compiler> | undefined;

async function compiler(): Promise<Compiler> {
  compilerPromise ??= import('kaitai-struct-compiler').then(
    (m) => m.default,
    (e: unknown) => {
      compilerPromise = undefined;
      throw new SpecError('(kaitai)', '', `cannot load kaitai-struct-compiler (npm install kaitai-struct-compiler): ${String(e)}`, 'INVALID_ARGUMENT');
    },
  );
  return compilerPromise;
}

/**
 * Compiles a spec with Kaitai's compiler for `lang` ('javascript', 'csharp', ...) and returns
 * its files (the spec and everything it imports). A compile error is a SpecError with Kaitai's text.
 */
export async function kaitaiCompile(specPath: string, lang = 'javascript', includeDirs: string[] = []): Promise<Record<string, string>> {
  const ksc = await compiler();
  const root = dirname(resolve(specPath));
  const importer = {
    async importYaml(name: string, mode: 'rel' | 'abs'): Promise<unknown> {
      const dirs = mode === 'abs' ? [...includeDirs, root] : [root];
      let lastError: unknown;
      for (const d of dirs) {
        try {
          return parseKsy(await readFile(normalize(join(d, `${name}.ksy`)), 'utf8'));
        } catch (e) {
          lastError = e;
        }
      }
      throw lastError instanceof Error ? lastError : new Error(String(lastError));
    },
  };
  const spec: unknown = parseKsy(await readFile(specPath, 'utf8'));
  try {
    return await ksc.compile(lang, spec, importer, false);
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    throw new SpecError(specPath, '', `Kaitai's compiler refused it:\n${text}`, 'INVALID_ARGUMENT');
  }
}
