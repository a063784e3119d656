// `generate()`: .ksy specs in, TypeScript and C# codecs out (plus the small runtime file each
// language needs). Every spec is checked by twinmap's loader (the supported subset) and by
// Kaitai's own compiler before anything is written.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitCs, csFileName } from './emit-cs.js';
import { compileToJs } from './emit-js.js';
import { emitTs, tsModuleName } from './emit-ts.js';
import { layoutsCs, layoutsTs } from './emit-layout.js';
import { kaitaiCompile } from './kaitai.js';
import { loadSpecs } from './load.js';
import { allTypes, type SpecFile } from './model.js';

export { SpecError } from './load.js';
export { kaitaiCompile } from './kaitai.js';

export interface GenerateOptions {
  /** Folder for the TypeScript output; omitted = no TypeScript. */
  ts?: string;
  /** Folder for ESM JavaScript with a `.d.ts` beside each file (compiled by the typescript package); omitted = none. */
  js?: string;
  /** Folder for the C# output; omitted = no C#. */
  cs?: string;
  /** C# namespace (default `Twinmap.Formats`). */
  namespace?: string;
  /** Folders searched for absolute imports. */
  includeDirs?: string[];
  /** Skip the Kaitai compiler check (it still runs in twinmap's own tests). */
  skipKaitai?: boolean;
  /**
   * An existing `twinmap-runtime.ts` the TypeScript output imports (default: a copy is written
   * beside the output). For code bases that generate into several folders and want one runtime.
   */
  tsRuntime?: string;
  /** The namespace of an existing C# runtime the C# output uses (default: a copy is written). */
  csRuntime?: string;
  /** Told about each decode-only type (generated without encode) and why. */
  onDecodeOnly?: (message: string) => void;
}

export interface GeneratedFile {
  path: string;
  text: string;
}

function runtimeDir(): string {
  // ts/gen/ (sources, vitest) or dist/ts/gen/ (compiled): the templates live in ts/gen/runtime.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'ts', 'gen', 'runtime');
    if (existsSync(join(candidate, 'twinmap-runtime.ts'))) return candidate;
    const local = join(dir, 'runtime');
    if (existsSync(join(local, 'twinmap-runtime.ts'))) return local;
    const up = dirname(dir);
    if (up === dir) throw new Error('twinmap gen: cannot find its runtime templates (ts/gen/runtime)');
    dir = up;
  }
}

function closure(roots: SpecFile[]): SpecFile[] {
  const seen = new Set<SpecFile>();
  const walk = (s: SpecFile): void => {
    if (seen.has(s)) return;
    seen.add(s);
    s.imports.forEach(walk);
  };
  roots.forEach(walk);
  return [...seen];
}

/** Generates the files without writing them. */
export async function generateFiles(specPaths: string[], options: GenerateOptions): Promise<GeneratedFile[]> {
  const roots = loadSpecs(specPaths, { includeDirs: options.includeDirs ?? [] });
  if (!options.skipKaitai) for (const p of specPaths) await kaitaiCompile(p, 'javascript', options.includeDirs ?? []);
  const specs = closure(roots);
  if (options.onDecodeOnly)
    for (const s of specs) for (const t of allTypes(s)) if (t.decodeOnly) options.onDecodeOnly(`${s.path}: ${t.name} is decode-only (${t.decodeOnly}): generated without encode`);
  const files: GeneratedFile[] = [];
  const templates = runtimeDir();
  if (options.ts !== undefined) {
    let runtimeModule = './twinmap-runtime.js';
    if (options.tsRuntime === undefined) {
      files.push({ path: join(options.ts, 'twinmap-runtime.ts'), text: readFileSync(join(templates, 'twinmap-runtime.ts'), 'utf8') });
    } else {
      if (!/\.ts$/.test(options.tsRuntime)) throw new Error(`tsRuntime '${options.tsRuntime}' is not a .ts file`);
      const rel = relative(options.ts, options.tsRuntime).replaceAll('\\', '/').replace(/\.ts$/, '.js');
      runtimeModule = rel.startsWith('.') ? rel : `./${rel}`;
    }
    for (const s of specs) files.push({ path: join(options.ts, `${tsModuleName(s)}.ts`), text: tsModule(s, runtimeModule) });
  }
  if (options.js !== undefined) {
    const modules = new Map<string, string>([['twinmap-runtime.ts', readFileSync(join(templates, 'twinmap-runtime.ts'), 'utf8')]]);
    for (const s of specs) modules.set(`${tsModuleName(s)}.ts`, tsModule(s));
    for (const [name, text] of compileToJs(modules)) files.push({ path: join(options.js, name), text });
  }
  if (options.cs !== undefined) {
    const ns = options.namespace ?? 'Twinmap.Formats';
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(ns)) throw new Error(`namespace '${ns}' is not a valid C# namespace`);
    const runtimeNs = options.csRuntime ?? ns;
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(runtimeNs)) throw new Error(`csRuntime '${runtimeNs}' is not a valid C# namespace`);
    if (options.csRuntime === undefined) {
      const rt = readFileSync(join(templates, 'TwinmapFormatRuntime.cs'), 'utf8').replace('namespace Twinmap.Formats;', `namespace ${ns};`);
      files.push({ path: join(options.cs, 'TwinmapFormatRuntime.g.cs'), text: rt.replace(/^\/\/ twinmap format runtime/, '// <auto-generated/> twinmap format runtime') });
    }
    for (const s of specs) files.push({ path: join(options.cs, csFileName(s)), text: emitCs(s, ns, specs, runtimeNs) + layoutsCs(s) });
  }
  return files;
}

/** One spec's TypeScript module: its codecs, then its layout constants (the --ts and --js outputs). */
function tsModule(s: SpecFile, runtimeModule?: string): string {
  return emitTs(s, runtimeModule) + layoutsTs(s);
}

/** Generates TS and/or C# codecs for the specs (and everything they import) and writes them. */
export async function generate(specPaths: string[], options: GenerateOptions): Promise<string[]> {
  const files = await generateFiles(specPaths, options);
  for (const f of files) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.text);
  }
  return files.map((f) => f.path);
}
