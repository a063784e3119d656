// Finds the fenced code blocks of a Markdown file (README.md) and the markers that tell
// interop-tests/readme-examples.test.ts how to compile them. Every line keeps its README line
// number, so a compiler error can name the README line it comes from.
//
// The convention (documented for README writers in readme-examples.test.ts):
//   ```ts / ```csharp          compiled; other languages (sh, text, ...) are not code
//   <!-- example-context ... -->  on the line(s) right before a block: code the block leaves
//                                 implicit (imports, `declare const`, C# locals), compiled with it
//   <!-- example-skip: reason --> right before a block: not compiled, the reason is required

/** Fence languages the test compiles. */
export const checkedLanguages = ['ts', 'csharp'] as const;
export type CheckedLanguage = (typeof checkedLanguages)[number];

/** Spellings of a checked language (or of JS) that would slip past the test: refused. */
const aliases: Record<string, string> = {
  typescript: 'ts', tsx: 'ts', mts: 'ts', js: 'ts', javascript: 'ts', mjs: 'ts',
  cs: 'csharp', 'c#': 'csharp', 'c-sharp': 'csharp',
};

export interface Line {
  text: string;
  /** 1-based line number in the README. */
  line: number;
}

export interface CodeBlock {
  language: CheckedLanguage;
  /** README line of the opening fence. */
  fenceLine: number;
  code: Line[];
  /** Lines of an `example-context` marker, compiled before the block. */
  context: Line[];
  /** The reason of an `example-skip` marker: the block is not compiled. */
  skip?: string;
}

export interface ParsedReadme {
  blocks: CodeBlock[];
  /** Convention violations, each naming its README line. */
  problems: string[];
}

interface Marker {
  kind: 'context' | 'skip';
  lines: Line[];
  reason: string;
  startLine: number;
  endLine: number;
}

const fenceOpen = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/;

export function parseReadme(markdown: string, file = 'README.md'): ParsedReadme {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  const problems: string[] = [];
  let pending: Marker | undefined;

  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const open = fenceOpen.exec(text);
    if (open) {
      const fence = open[1]!;
      const language = open[2]!.toLowerCase();
      const fenceLine = i + 1;
      const code: Line[] = [];
      const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
      for (i++; i < lines.length && !close.test(lines[i]!); i++) code.push({ text: lines[i]!, line: i + 1 });
      if (i >= lines.length) problems.push(`${file}:${fenceLine}: the code block opened here is never closed`);
      const marker = pending && pending.endLine === fenceLine - 1 ? pending : undefined;
      if (pending && !marker) problems.push(`${file}:${pending.startLine}: example-${pending.kind} marker is not right before a code block`);
      pending = undefined;

      if (language in aliases) {
        problems.push(`${file}:${fenceLine}: write \`\`\`${aliases[language]} instead of \`\`\`${language}, so the example is compiled`);
      } else if ((checkedLanguages as readonly string[]).includes(language)) {
        const block: CodeBlock = { language: language as CheckedLanguage, fenceLine, code, context: [] };
        if (marker?.kind === 'context') block.context = marker.lines;
        if (marker?.kind === 'skip') block.skip = marker.reason;
        blocks.push(block);
      } else if (marker) {
        problems.push(`${file}:${marker.startLine}: example-${marker.kind} marker on a \`\`\`${language || '(no language)'} block, which is not compiled anyway`);
      }
      continue;
    }

    const start = /^\s*<!--\s*example-(\S*?)(:|\s|$)/.exec(text);
    if (!start) continue;
    if (pending) problems.push(`${file}:${pending.startLine}: example-${pending.kind} marker is not right before a code block`);
    pending = undefined;
    const kind = start[1]!;
    const startLine = i + 1;
    // The marker's body: the rest of the first line, then whole lines up to `-->`.
    const body: Line[] = [];
    let rest = text.slice(text.indexOf(start[0]) + start[0].length);
    for (;;) {
      const end = rest.indexOf('-->');
      if (end >= 0) {
        body.push({ text: rest.slice(0, end), line: i + 1 });
        break;
      }
      body.push({ text: rest, line: i + 1 });
      if (++i >= lines.length) break;
      rest = lines[i]!;
    }
    if (i >= lines.length) {
      problems.push(`${file}:${startLine}: example-${kind} marker is never closed with -->`);
      break;
    }
    const content = body.filter((l) => l.text.trim() !== '').map((l) => ({ ...l, text: l.text.trimEnd() }));
    const reason = content.map((l) => l.text.trim()).join(' ');
    if (kind === 'context') {
      if (content.length === 0) problems.push(`${file}:${startLine}: example-context marker with no code`);
      pending = { kind, lines: content, reason, startLine, endLine: i + 1 };
    } else if (kind === 'skip') {
      if (reason === '') problems.push(`${file}:${startLine}: example-skip needs a reason: <!-- example-skip: why -->`);
      pending = { kind, lines: [], reason, startLine, endLine: i + 1 };
    } else {
      problems.push(`${file}:${startLine}: unknown marker example-${kind} (known: example-context, example-skip)`);
    }
  }
  if (pending) problems.push(`${file}:${pending.startLine}: example-${pending.kind} marker is not right before a code block`);
  return { blocks, problems };
}
