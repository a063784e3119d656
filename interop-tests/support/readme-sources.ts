// Turns README code blocks into compilable source files, and compiler output back into README
// lines. Each generated line remembers the README line it came from (undefined for the few
// wrapper lines this module adds), so an error is reported where a reader would fix it.
import type { CodeBlock, Line } from './readme-blocks.js';

export interface SourceFile {
  name: string;
  text: string;
  /** README line for each 1-based line of `text` (index 0 unused); undefined = wrapper. */
  readmeLines: (number | undefined)[];
  block: CodeBlock;
}

function assemble(name: string, block: CodeBlock, parts: (Line | string)[]): SourceFile {
  const readmeLines: (number | undefined)[] = [undefined];
  const text = parts
    .map((p) => {
      readmeLines.push(typeof p === 'string' ? undefined : p.line);
      return typeof p === 'string' ? p : p.text;
    })
    .join('\n');
  return { name, text: `${text}\n`, readmeLines, block };
}

/**
 * A TS block as an ES module (the folder's package.json says `"type": "module"`): its context lines, then the block as written.
 * `export {}` makes even a block without imports a module, so blocks never share globals.
 */
export function tsModule(block: CodeBlock): SourceFile {
  return assemble(`readme-L${block.fenceLine}.ts`, block, [...block.context, ...block.code, 'export {};']);
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
export function csharpFile(block: CodeBlock): SourceFile {
  const all = [...block.context, ...block.code];
  const directives = all.filter((l) => usingDirective.test(l.text));
  const body = all.filter((l) => !usingDirective.test(l.text));
  const isAsync = body.some((l) => /\bawait\b/.test(l.text));
  return assemble(`Readme_L${block.fenceLine}.cs`, block, [
    ...directives,
    `namespace ReadmeExamples;`,
    `internal static class Readme_L${block.fenceLine}`,
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
 * files, rewritten as `README.md:<line>: ...` with the README text of that line.
 * Lines that name none of the files are returned as they are.
 */
export function diagnosticsToReadme(output: string, files: SourceFile[], readme: string[], readmeName = 'README.md'): string[] {
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
        ? `${readmeName}:${line}:${m[3]}`
        : `${readmeName}:${file.block.fenceLine} (wrapper line ${generatedLine} of the \`\`\`${file.block.language} block)`;
      const source = line !== undefined ? `\n    | ${readme[line - 1]?.trim() ?? ''}` : '';
      message = `${where}: ${m[4]} ${m[5]}: ${m[6]}${source}`;
    } else if (/\berror\b/i.test(raw) && !/^\s*\d+ Error\(s\)\s*$/.test(raw)) {
      message = raw.trim();
    } else continue;
    if (!seen.has(message)) result.push(message); // MSBuild repeats errors in its summary
    seen.add(message);
  }
  return result;
}
