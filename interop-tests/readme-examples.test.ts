// The code examples of README.md and of every page under docs/ compile against the code in this
// checkout, so they cannot drift.
//
// Every ```ts block is written as an ES module (`<page>-L<line>.ts`, in a `"type": "module"` package) into a temp folder and all
// of them are type-checked by one `tsc --noEmit`, with the repository's compiler options, where
// `import ... from 'twinmap'` is ts/index.ts and `./formats/*.js` is what
// `twinmap gen examples/formats/*.ksy --ts <dir>/formats` writes next to a user's code (with its own runtime).
// Every ```csharp block becomes a class of its own in one temp project that references
// dotnet/Twinmap/Twinmap.csproj, built by one `dotnet build` (net10.0, Nullable and
// ImplicitUsings on as in `dotnet new console`, warnings as errors): `using X;` lines go to the
// top of the file, the rest is the body of a method (`async Task` if the block awaits).
// Other fences (sh, text, ...) are not code. Errors are reported as <page>:<line>, e.g. docs/channels.md:12.
//
// For writers of README.md and docs/, the markers (an HTML comment on the line(s) right before a block):
//   <!-- example-context: declare const png: Uint8Array; -->
//       code the block leaves implicit (imports, `declare const` / C# locals standing for what
//       the surrounding text describes), compiled before the block; may span several lines.
//   <!-- example-skip: why -->
//       the block is not compiled (keep these rare; the reason is required).
// ```typescript / ```cs spellings are refused so that no example escapes the check.
import { execa } from 'execa';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { specFiles, specSets } from '../tools/spec-sets.js';
import { generate } from '../ts/gen/index.js';
import { repoRoot } from './peer.js';
import { parseReadme } from './support/readme-blocks.js';
import { csharpFile, diagnosticsToReadme, tsModule, type DocPage } from './support/readme-sources.js';
import type { CodeBlock } from './support/readme-blocks.js';

/** README.md, the NuGet package's README, then every Markdown page under docs/ (sorted, so file names are stable). */
function docPaths(): string[] {
  const docs = readdirSync(join(repoRoot, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => relative(repoRoot, join(repoRoot, 'docs', f)).split('\\').join('/'))
    .sort();
  return ['README.md', 'dotnet/Twinmap/README.md', ...docs];
}

const pages = docPaths().map((path) => {
  const text = readFileSync(join(repoRoot, path), 'utf8');
  const page: DocPage = { path, lines: text.split(/\r?\n/) };
  return { page, ...parseReadme(text, path) };
});
const problems = pages.flatMap((p) => p.problems);
const compiled = (language: string, where?: (page: DocPage) => boolean): { block: CodeBlock; page: DocPage }[] =>
  pages
    .filter((p) => where === undefined || where(p.page))
    .flatMap((p) => p.blocks.filter((b) => b.language === language && b.skip === undefined).map((block) => ({ block, page: p.page })));
const isReadme = (page: DocPage) => page.path === 'README.md';
const isDocs = (page: DocPage) => page.path.startsWith('docs/');

const work = mkdtempSync(join(tmpdir(), 'twinmap-readme-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function report(title: string, diagnostics: string[]): string {
  return `${title}\n${diagnostics.map((d) => `  ${d}`).join('\n')}`;
}

describe('README.md and docs/**/*.md examples', () => {
  it('every code block is compiled or plainly not code, and every marker sits on a block', () => {
    expect(problems, report('convention problems:', problems)).toEqual([]);
    // A parser (or a page finder) that found nothing would make the compile tests pass vacuously.
    expect(pages.length).toBeGreaterThanOrEqual(5);
    for (const language of ['ts', 'csharp']) {
      expect(compiled(language, isReadme).length, `README.md's ${language} blocks`).toBeGreaterThanOrEqual(3);
      expect(compiled(language, isDocs).length, `docs/'s ${language} blocks`).toBeGreaterThanOrEqual(3);
    }
  });

  const typeDeclarations = readdirSync(join(repoRoot, 'ts', 'types'))
    .filter((f) => f.endsWith('.d.ts'))
    .map((f) => join(repoRoot, 'ts', 'types', f));

  it('the ```ts blocks type-check against the package (one tsc --noEmit)', async () => {
    const dir = join(work, 'ts');
    const files = compiled('ts').map(({ block, page }) => tsModule(block, page));
    // A user's ESM project, with the codecs `twinmap gen` wrote into ./formats.
    const examples = specSets.find((s) => s.name === 'examples')!;
    await generate(specFiles(repoRoot, examples).map((f) => join(repoRoot, f)), { ts: join(dir, 'formats'), skipKaitai: true });
    writeProject(dir, files, () => {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          extends: join(repoRoot, 'tsconfig.json'),
          compilerOptions: {
            noEmit: true,
            rootDir: '/',
            declaration: false,
            sourceMap: false,
            typeRoots: [join(repoRoot, 'node_modules', '@types')],
            paths: { twinmap: [join(repoRoot, 'ts', 'index.ts')] },
          },
          include: [],
          // ts/types: declarations the library's own sources need (as in tsconfig.json's include)
          files: [...files.map((f) => f.name), ...typeDeclarations],
        }),
      );
    });
    const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
    const r = await execa(tsc, ['-p', 'tsconfig.json', '--pretty', 'false'], { cwd: dir, reject: false, all: true });
    const diagnostics = diagnosticsToReadme(r.all ?? '', files);
    expect(diagnostics, report(`tsc found errors in the \`\`\`ts examples:`, diagnostics)).toEqual([]);
    expect(r.exitCode, r.all).toBe(0);
  }, 180_000);

  it('the ```csharp blocks compile against dotnet/Twinmap (one dotnet build)', async () => {
    const dir = join(work, 'cs');
    const files = compiled('csharp').map(({ block, page }) => csharpFile(block, page));
    writeProject(dir, files, () => {
      copyFileSync(join(repoRoot, 'global.json'), join(dir, 'global.json'));
      // Stops MSBuild looking for a Directory.Build.props above the temp folder.
      writeFileSync(join(dir, 'Directory.Build.props'), '<Project />\n');
      writeFileSync(
        join(dir, 'ReadmeExamples.csproj'),
        `<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="${join(repoRoot, 'dotnet', 'Twinmap', 'Twinmap.csproj')}" />
    <ProjectReference Include="${join(repoRoot, 'examples', 'dotnet', 'Twinmap.Examples.csproj')}" />
  </ItemGroup>
</Project>
`,
      );
    });
    const r = await execa('dotnet', ['build', '-c', 'Release', '--nologo', '-v', 'q', '-clp:NoSummary'], {
      cwd: dir,
      reject: false,
      all: true,
      env: { DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
    });
    const diagnostics = diagnosticsToReadme(r.all ?? '', files);
    expect(diagnostics, report(`dotnet build found errors in the \`\`\`csharp examples:`, diagnostics)).toEqual([]);
    expect(r.exitCode, r.all).toBe(0);
  }, 180_000);
});

function writeProject(dir: string, files: { name: string; text: string }[], extra: () => void): void {
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f.name), f.text);
  extra();
}

describe('README example markers (the parser behind the test above)', () => {
  const md = (...lines: string[]) => lines.join('\n');

  it('keeps README line numbers for code and context, and reads a skip reason', () => {
    const { blocks, problems } = parseReadme(
      md('# t', '<!-- example-context', 'declare const a: number;', '-->', '```ts', 'a + 1;', '```', '', '<!-- example-skip: needs a server -->', '```csharp', 'x;', '```', '```sh', 'ls', '```'),
    );
    expect(problems).toEqual([]);
    expect(blocks).toEqual([
      { language: 'ts', fenceLine: 5, code: [{ text: 'a + 1;', line: 6 }], context: [{ text: 'declare const a: number;', line: 3 }] },
      { language: 'csharp', fenceLine: 10, code: [{ text: 'x;', line: 11 }], context: [], skip: 'needs a server' },
    ]);
  });

  it('names the README line of every convention problem', () => {
    const { problems } = parseReadme(
      md('<!-- example-skip: -->', '```ts', '```', '<!-- example-context: x -->', '', '```ts', '```', '```typescript', '```', '<!-- example-tiny: x -->', '```cs', '```', '```ts', 'never closed'),
    );
    expect(problems).toEqual([
      'README.md:1: example-skip needs a reason: <!-- example-skip: why -->',
      'README.md:4: example-context marker is not right before a code block',
      'README.md:8: write ```ts instead of ```typescript, so the example is compiled',
      'README.md:10: unknown marker example-tiny (known: example-context, example-skip)',
      'README.md:11: write ```csharp instead of ```cs, so the example is compiled',
      'README.md:13: the code block opened here is never closed',
    ]);
  });
});
