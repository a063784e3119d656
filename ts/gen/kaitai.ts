// Kaitai's own compiler (npm kaitai-struct-compiler) as the referee: every spec twinmap generates
// code for is also compiled by it, and its errors are shown as they are.
import { readFile } from 'node:fs/promises';
import { dirname, join, normalize, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SpecError } from './load.js';

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
          return parseYaml(await readFile(normalize(join(d, `${name}.ksy`)), 'utf8'));
        } catch (e) {
          lastError = e;
        }
      }
      throw lastError instanceof Error ? lastError : new Error(String(lastError));
    },
  };
  const spec: unknown = parseYaml(await readFile(specPath, 'utf8'));
  try {
    return await ksc.compile(lang, spec, importer, false);
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    throw new SpecError(specPath, '', `Kaitai's compiler refused it:\n${text}`, 'INVALID_ARGUMENT');
  }
}
