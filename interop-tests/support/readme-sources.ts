// Turns the code blocks of README.md and docs/**/*.md into compilable source files, and compiler
// output back into lines of those pages. Each generated line remembers the page line it came from
// (undefined for the few wrapper lines this module adds), so an error is reported where a reader
// would fix it.
import type { CodeBlock, Line } from './readme-blocks.js';

/** A Markdown page whose examples are compiled. */
export interface DocPage {
  /** Path from the repository root, e.g. `README.md`, `docs/channels.md`. */
  path: string;
  lines: string[];
}

export interface SourceFile {
  name: string;
  text: string;
  /** Page line for each 1-based line of `text` (index 0 unused); undefined = wrapper. */
  readmeLines: (number | undefined)[];
  block: CodeBlock;
  page: DocPage;
}

/** A file-name-safe stem for a page: `docs/protocol/channel.md` -> `docs_protocol_channel`. */
function stem(page: DocPage): string {
  return page.path.replace(/\.md$/i, '').replace(/[^A-Za-z0-9]+/g, '_');
}

function assemble(name: string, block: CodeBlock, page: DocPage, parts: (Line | string)[]): SourceFile {
  const readmeLines: (number | undefined)[] = [undefined];
  const text = parts
    .map((p) => {
      readmeLines.push(typeof p === 'string' ? undefined : p.line);
      return typeof p === 'string' ? p : p.text;
    })
    .join('\n');
  return { name, text: `${text}\n`, readmeLines, block, page };
}

/**
 * A TS block as an ES module (the folder's package.json says `"type": "module"`): its context lines, then the block as written.
 * `export {}` makes even a block without imports a module, so blocks never share globals.
 */
export function tsModule(block: CodeBlock, page: DocPage): SourceFile {
  return assemble(`${stem(page)}-L${block.fenceLine}.ts`, block, page, [...block.context, ...block.code, 'export {};']);
}

// `using X;` / `using static X;` / `using A = X;` are file-level directives; `using var`
// and `using (` are statements.
const usingDirective = /^\s*using\s+(?!var\b)(static\s+)?[\w.]+(\s*=\s*[\w.<>, ]+)?\s*;/;

/**
 * A C# block as a class of its own with one method: `using` directives (from the context and
 * the block) go to the top of the file, every other line into the method body, so blocks
 * written as top-level statements compile side by side. The method is `async Task` if the
 * block awaits.
 */
export function csharpFile(block: CodeBlock, page: DocPage): SourceFile {
  const all = [...block.context, ...block.code];
  const directives = all.filter((l) => usingDirective.test(l.text));
  const body = all.filter((l) => !usingDirective.test(l.text));
  const isAsync = body.some((l) => /\bawait\b/.test(l.text));
  const cls = `${stem(page)}_L${block.fenceLine}`;
  return assemble(`${cls}.cs`, block, page, [
    ...directives,
    `namespace ReadmeExamples;`,
    `internal static class ${cls}`,
    `{`,
    `    internal static ${isAsync ? 'async Task' : 'void'} Run()`,
    `    {`,
    ...body,
    `    }`,
    `}`,
  ]);
}

/**
 * Compiler diagnostics (`file(line,col): error ...` from tsc and from MSBuild) for the given
 * files, rewritten as `<page>:<line>: ...` (e.g. `docs/channels.md:12:`) with the text of that line.
 * Lines that name none of the files are returned as they are.
 */
export function diagnosticsToReadme(output: string, files: SourceFile[]): string[] {
  const byName = new Map(files.map((f) => [f.name, f]));
  const seen = new Set<string>();
  const result: string[] = [];
  for (const raw of output.split(/\r?\n/)) {
    const m = /([^\s/\\()]+)\((\d+),(\d+)\): (error|warning) ([^:]+): (.*?)(\s+\[[^\]]*\])?$/.exec(raw);
    const file = m ? byName.get(m[1]!) : undefined;
    let message: string;
    if (m && file) {
      const generatedLine = Number(m[2]);
      const line = file.readmeLines[generatedLine];
      const where = line !== undefined
        ? `${file.page.path}:${line}:${m[3]}`
        : `${file.page.path}:${file.block.fenceLine} (wrapper line ${generatedLine} of the \`\`\`${file.block.language} block)`;
      const source = line !== undefined ? `\n    | ${file.page.lines[line - 1]?.trim() ?? ''}` : '';
      message = `${where}: ${m[4]} ${m[5]}: ${m[6]}${source}`;
    } else if (/\berror\b/i.test(raw) && !/^\s*\d+ Error\(s\)\s*$/.test(raw)) {
      message = raw.trim();
    } else continue;
    if (!seen.has(message)) result.push(message); // MSBuild repeats errors in its summary
    seen.add(message);
  }
  return result;
}
