#!/usr/bin/env node
// The `twinmap` command. Each subcommand is one entry in COMMANDS: add yours there.
import { parseArgs } from 'node:util';
import { TwinmapError } from './errors.js';

interface Command {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  gen: {
    summary: 'generate TypeScript (or JavaScript) and C# codecs from .ksy specs',
    usage: 'twinmap gen <spec.ksy...> [--ts <dir>] [--js <dir>] [--cs <dir>] [--namespace <N>] [-I <include dir>] [--ts-runtime <twinmap-runtime.ts>] [--cs-runtime <namespace>] [--check] [--skip-kaitai]',
    async run(args) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          ts: { type: 'string' },
          js: { type: 'string' },
          cs: { type: 'string' },
          namespace: { type: 'string' },
          include: { type: 'string', short: 'I', multiple: true },
          check: { type: 'boolean' },
          'skip-kaitai': { type: 'boolean' },
          'ts-runtime': { type: 'string' },
          'cs-runtime': { type: 'string' },
        },
      });
      if (positionals.length === 0) throw new UsageError('no spec given');
      if (values.ts === undefined && values.js === undefined && values.cs === undefined) throw new UsageError('give --ts <dir>, --js <dir> and/or --cs <dir>');
      const { generate, generateFiles } = await import('./gen/index.js');
      const options = {
        ...(values.ts !== undefined && { ts: values.ts }),
        ...(values.js !== undefined && { js: values.js }),
        ...(values.cs !== undefined && { cs: values.cs }),
        ...(values.namespace !== undefined && { namespace: values.namespace }),
        includeDirs: values.include ?? [],
        skipKaitai: values['skip-kaitai'] ?? false,
        // An existing runtime to use instead of writing a copy beside the output.
        ...(values['ts-runtime'] !== undefined && { tsRuntime: values['ts-runtime'] }),
        ...(values['cs-runtime'] !== undefined && { csRuntime: values['cs-runtime'] }),
      };
      if (values.check) {
        // --check: compare with what is on disk (CI: committed generated code must not be stale).
        const { readFileSync } = await import('node:fs');
        const stale = (await generateFiles(positionals, options)).filter((f) => {
          try {
            return readFileSync(f.path, 'utf8') !== f.text;
          } catch {
            return true;
          }
        });
        for (const f of stale) console.error(`stale: ${f.path}`);
        if (stale.length > 0) console.error('generated code is stale: run `npm run gen` and commit the result');
        return stale.length > 0 ? 1 : 0;
      }
      const notes: string[] = [];
      for (const path of await generate(positionals, { ...options, onDecodeOnly: (m: string) => notes.push(m) })) console.log(path);
      for (const n of notes) console.log(`note: ${n}`);
      return 0;
    },
  },
  inspect: {
    summary: 'show what a name holds now: the map, the channel or event in it, .NET mutex files (read-only)',
    usage: 'twinmap inspect <name...> [--json]   (every .NET tree; exit 1 if a name has nothing)',
    async run(args) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { json: { type: 'boolean' }, layout: { type: 'string' } },
      });
      if (positionals.length === 0) throw new UsageError('no name given');
      if (values.layout !== undefined) {
        throw new UsageError('--layout is gone: .NET 6-11 write the same bytes, and inspect shows every tree a .NET generation uses');
      }
      const { inspect, formatInspection } = await import('./inspect/inspect.js');
      const found = positionals.map((name) => inspect(name));
      if (values.json) console.log(JSON.stringify(found.length === 1 ? found[0] : found, null, 2));
      else console.log(found.map(formatInspection).join('\n\n'));
      return found.every((i) => i.map !== undefined || i.mutexes.length > 0) ? 0 : 1;
    },
  },
  nrbf: {
    summary: 'print the object graph of a BinaryFormatter (NRBF) payload in a file or a named map (read-only, runs no .NET code)',
    usage: 'twinmap nrbf <file | map name[:offset]> [--json] [--max-depth N] [--max-records N] [--max-elements N]',
    async run(args) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { json: { type: 'boolean' }, 'max-depth': { type: 'string' }, 'max-records': { type: 'string' }, 'max-elements': { type: 'string' } },
      });
      if (positionals.length !== 1) throw new UsageError('give one file or map name');
      const target = positionals[0]!;
      const limit = (k: 'max-depth' | 'max-records' | 'max-elements'): number | undefined => {
        const v = values[k];
        if (v === undefined) return undefined;
        if (!/^\d+$/.test(v)) throw new UsageError(`--${k} must be a non-negative integer, not ${JSON.stringify(v)}`);
        return Number(v);
      };
      const { existsSync } = await import('node:fs');
      const { SharedMap } = await import('./map/shared-map.js');
      const { readNrbf, nrbfToJson, nrbfToText } = await import('./nrbf/index.js');
      // a path (has a '/', or names an existing file) is a file; anything else a map name[:offset]
      let bytes: Uint8Array;
      let where: string;
      if (target.includes('/') || existsSync(target)) {
        using map = SharedMap.openFile(target, { readOnly: true });
        bytes = map.read(0, map.size);
        where = target;
      } else {
        const m = /^(.*):(\d+)$/.exec(target);
        const name = m === null ? target : m[1]!;
        const offset = m === null ? 0 : Number(m[2]);
        using map = SharedMap.open(name, { readOnly: true });
        if (offset >= map.size) throw new UsageError(`offset ${offset} is past the end of map ${JSON.stringify(name)} (${map.size} bytes)`);
        bytes = map.read(offset, map.size - offset);
        where = `map ${JSON.stringify(name)} at offset ${offset}`;
      }
      const options = {
        ...(limit('max-depth') !== undefined && { maxDepth: limit('max-depth')! }),
        ...(limit('max-records') !== undefined && { maxRecords: limit('max-records')! }),
        ...(limit('max-elements') !== undefined && { maxElements: limit('max-elements')! }),
      };
      const r = readNrbf(bytes, options);
      if (values.json) console.log(JSON.stringify({ length: r.length, records: r.records, ...nrbfToJson(r.root) }, null, 2));
      else console.log(`${where}: ${r.length} bytes, ${r.records} records\n${nrbfToText(r.root)}`);
      return 0;
    },
  },
};

class UsageError extends Error {}

function help(): string {
  const lines = ['usage: twinmap <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(8)} ${c.summary}`, `           ${c.usage}`);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`twinmap: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`twinmap ${name}: ${command.summary}\nusage: ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      console.error(`twinmap ${name}: ${e.message}\nusage: ${command.usage}`);
      return 2;
    }
    if (e instanceof TwinmapError) {
      console.error(`twinmap ${name}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));
