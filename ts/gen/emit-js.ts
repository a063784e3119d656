// JavaScript output (`twinmap gen --js`): the generated TypeScript compiled by the `typescript`
// package's tsc into ESM JavaScript with a `.d.ts` next to each file, for projects that have no
// TypeScript build (Node 20 cannot run .ts files).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { SpecError } from './load.js';

function tscPath(): string {
  // twinmap's own typescript, else the project's (the working directory's node_modules).
  for (const from of [import.meta.url, join(process.cwd(), 'package.json')]) {
    try {
      // The package exports only its metadata: find bin/tsc beside package.json.
      return join(dirname(createRequire(from).resolve('typescript/package.json')), 'bin', 'tsc');
    } catch {
      // not installed there
    }
  }
  throw new SpecError('(twinmap gen --js)', '', 'needs the typescript package to compile the generated code (npm install --save-dev typescript)', 'INVALID_ARGUMENT');
}

/** Compiles generated TS modules (file name → text) to `.js` and `.d.ts` files (file name → text). */
export function compileToJs(modules: Map<string, string>): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'twinmap-gen-js-'));
  try {
    const src = join(dir, 'src');
    const out = join(dir, 'out');
    mkdirSync(src);
    for (const [name, text] of modules) writeFileSync(join(src, name), text);
    // Modules that read zlib data import node:zlib; the project compiled for may have no @types/node.
    const shims = [...modules.values()].some((text) => text.includes("from 'node:zlib'")) ? [join(dir, 'node-zlib.d.ts')] : [];
    if (shims.length) writeFileSync(shims[0]!, "declare module 'node:zlib' {\n  export function inflateSync(data: Uint8Array, options: { maxOutputLength: number }): Uint8Array;\n}\n");
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          module: 'ES2022',
          moduleResolution: 'bundler',
          strict: true,
          declaration: true,
          skipLibCheck: true,
          types: [],
          rootDir: src,
          outDir: out,
          newLine: 'lf',
        },
        files: [...[...modules.keys()].map((n) => join(src, n)), ...shims],
      }),
    );
    try {
      execFileSync(process.execPath, [tscPath(), '-p', join(dir, 'tsconfig.json')], { stdio: 'pipe', encoding: 'utf8' });
    } catch (e) {
      if (e instanceof SpecError) throw e;
      const text = String((e as { stdout?: string }).stdout ?? e);
      throw new Error(`twinmap gen --js: tsc failed on the generated code:\n${text}`);
    }
    const result = new Map<string, string>();
    for (const f of readdirSync(out).sort()) result.set(basename(f), readFileSync(join(out, f), 'utf8'));
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
