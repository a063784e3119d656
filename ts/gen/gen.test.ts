// The generator: refuses what it does not support (naming spec, field and feature), shows
// Kaitai's compiler errors, and the committed generated code is what `npm run gen` produces.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { genOptions, specFiles, specSets } from '../../tools/spec-sets.js';
import { generate, generateFiles, SpecError } from './index.js';

const root = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'twinmap-gen-'));

function spec(name: string, text: string): string {
  const p = join(scratch, `${name}.ksy`);
  writeFileSync(p, text);
  return p;
}

async function refusal(p: string): Promise<SpecError> {
  try {
    await generateFiles([p], { ts: join(scratch, 'out') });
  } catch (e) {
    if (e instanceof SpecError) return e;
    throw e;
  }
  throw new Error('expected the spec to be refused');
}

describe('twinmap gen refuses what it does not support', () => {
  it('names the spec file, the field path and the feature', async () => {
    const p = spec('ciphered', 'meta:\n  id: ciphered\nseq:\n  - id: body\n    size: 10\n    process: my_cipher(0x5a)\n');
    const e = await refusal(p);
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toContain(p);
    expect(e.message).toContain('/seq/0 (Ciphered.body)');
    expect(e.message).toContain('process: my_cipher(0x5a) is not supported (zlib, xor(key), rol(n) and ror(n) are)');
  });

  it('refuses instances from another stream, wide bit fields, repeat-until on a field of a number and unknown encodings', async () => {
    expect((await refusal(spec('inst', 'meta:\n  id: inst\ninstances:\n  x:\n    io: _parent._io\n    pos: 0\n    type: u1\n'))).message).toContain("/instances/x (Inst.x): io: '_parent._io': Inst is the root type, which has no parent");
    expect((await refusal(spec('bits', 'meta:\n  id: bits\nseq:\n  - id: wide\n    type: b65\n'))).message).toContain("'b65' is wider than 64 bits");
    expect((await refusal(spec('until', 'meta:\n  id: until\nseq:\n  - id: x\n    type: u1\n    repeat: until\n    repeat-until: _.len == 0\n'))).message).toContain("repeat-until: '_.len' needs elements of a user type");
    expect((await refusal(spec('enc', 'meta:\n  id: enc\nseq:\n  - id: s\n    type: strz\n    encoding: SJIS\n'))).message).toContain("encoding 'SJIS' is not supported");
    expect((await refusal(spec('expr', 'meta:\n  id: expr\nseq:\n  - id: n\n    type: u1\n  - id: s\n    size: _parent.n\n'))).message).toContain("'_parent.n' in the root type, which has no parent");
  });

  it("shows Kaitai's compiler errors", async () => {
    const p = spec('badid', 'meta:\n  id: badid\n  endian: le\nseq:\n  - id: myField\n    type: u4\n');
    const e = await refusal(p);
    expect(e.message).toContain("Kaitai's compiler refused it");
    expect(e.message).toContain('invalid attribute ID');
  });

  it('refuses repeat: eos or until of elements that can be empty and are read by their index (it could spin)', async () => {
    const p = spec('empty', 'meta:\n  id: empty\nseq:\n  - id: lens\n    type: u1\n    repeat: expr\n    repeat-expr: 2\n  - id: items\n    size: lens[_index % 2]\n    repeat: eos\ntypes:\n  nothing: {}\n');
    expect((await refusal(p)).message).toContain('/seq/1 (Empty.items): repeat: eos of elements that can be 0 bytes long, read or tested by their index (_index), is not supported');
    const q = spec('emptyuntil', 'meta:\n  id: emptyuntil\nseq:\n  - id: items\n    type: nothing\n    repeat: until\n    repeat-until: _index == 3\ntypes:\n  nothing: {}\n');
    expect((await refusal(q)).message).toContain('repeat: until of elements that can be 0 bytes long, read or tested by their index (_index), is not supported');
    // Without _index, an element that reads nothing leaves all as it was: the decode stops there (see zero-sized-lists.test.ts).
    const ok = spec('emptyeos', 'meta:\n  id: emptyeos\nseq:\n  - id: items\n    type: nothing\n    repeat: eos\ntypes:\n  nothing: {}\n');
    const files = await generateFiles([ok], { ts: join(scratch, 'out') });
    expect(files.find((f) => f.path.endsWith('emptyeos.ts'))!.text).toContain("r.stalled('items', items.length - 1, false)");
  });
});

describe('generated code in the repository', () => {
  it('is what `npm run gen` produces from every spec set of tools/spec-sets.ts (not stale)', async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      for (const set of specSets) {
        for (const f of await generateFiles(specFiles(root, set), genOptions(set))) {
          expect(readFileSync(join(root, f.path), 'utf8'), `${f.path} is stale: run npm run gen`).toBe(f.text);
        }
      }
    } finally {
      process.chdir(cwd);
    }
  });

  it('has one runtime per language: the sets import it instead of keeping copies', () => {
    const runtimes = specSets.flatMap((set) => [join(set.ts, 'twinmap-runtime.ts'), join(set.cs, 'TwinmapFormatRuntime.g.cs')]).filter((p) => existsSync(join(root, p)));
    expect(runtimes).toEqual([join('dotnet', 'Twinmap', 'Formats', 'TwinmapFormatRuntime.g.cs')]);
    expect(new Set(specSets.map((s) => s.tsRuntime))).toEqual(new Set([join('ts', 'gen', 'runtime', 'twinmap-runtime.ts').replaceAll('\\', '/')]));
  });

  it('--ts-runtime / --cs-runtime: the code imports the given runtime and no copy is written', async () => {
    const out = join(scratch, 'shared-runtime');
    const files = await generateFiles([join(root, 'examples', 'formats', 'test_data.ksy')], {
      ts: join(out, 'app', 'ts'),
      cs: join(out, 'cs'),
      namespace: 'My.App',
      tsRuntime: join(out, 'lib', 'twinmap-runtime.ts'),
      csRuntime: 'My.Runtime',
    });
    expect(files.map((f) => f.path.slice(out.length + 1)).sort()).toEqual(['app/ts/test_data.ts', 'cs/TestData.g.cs']);
    expect(files.find((f) => f.path.endsWith('test_data.ts'))!.text).toContain("from '../../lib/twinmap-runtime.js';");
    expect(files.find((f) => f.path.endsWith('TestData.g.cs'))!.text).toContain('using My.Runtime;\n\nnamespace My.App;');
  });

  it('generate() writes TS and C# with the chosen namespace', async () => {
    const out = join(scratch, 'gen');
    const written = await generate([join(root, 'examples', 'formats', 'test_data.ksy')], { ts: join(out, 'ts'), cs: join(out, 'cs'), namespace: 'My.App' });
    expect(written.map((p) => p.slice(out.length + 1)).sort()).toEqual(['cs/TestData.g.cs', 'cs/TwinmapFormatRuntime.g.cs', 'ts/test_data.ts', 'ts/twinmap-runtime.ts']);
    expect(readFileSync(join(out, 'cs', 'TestData.g.cs'), 'utf8')).toContain('namespace My.App;');
    const ts = readFileSync(join(out, 'ts', 'test_data.ts'), 'utf8');
    expect(ts).not.toMatch(/\bany\b/);
  });
});

describe('layout constants', () => {
  it('give the offset of every field at a fixed place, SIZE of a fixed-size type, and the values the spec fixes, as compile-time constants', async () => {
    const p = spec('placed', 'meta:\n  id: placed\n  endian: le\nseq:\n  - id: magic\n    contents: "AB"\n  - id: n\n    type: u2\n    valid:\n      min: 1\n      max: 200\n  - id: slots\n    type: slot\n    repeat: expr\n    repeat-expr: 3\n  - id: body\n    size: n\n  - id: tail\n    type: u4\ntypes:\n  slot:\n    seq:\n      - id: pid\n        type: u4\n      - id: start_time\n        type: u8\n');
    const files = await generateFiles([p], { ts: join(scratch, 'placed-ts'), cs: join(scratch, 'placed-cs'), namespace: 'My.App', skipKaitai: true });
    const ts = files.find((f) => f.path.endsWith('placed.ts'))!.text;
    // body's offset is fixed (its size is not), so tail has no layout entry; Placed has no SIZE.
    // The magic as a little-endian number, n's bounds, the count of slots.
    expect(ts).toContain('export const PlacedLayout = {\n  magic: 0,\n  n: 2,\n  slots: 4,\n  body: 40,\n  magicContentsLe: 0x4241,\n  nMin: 1,\n  nMax: 200,\n  slotsCount: 3,\n} as const;');
    expect(ts).toContain('export const SlotLayout = {\n  SIZE: 12,\n  pid: 0,\n  startTime: 4,\n} as const;');
    const cs = files.find((f) => f.path.endsWith('Placed.g.cs'))!.text;
    expect(cs).toContain('public static class SlotLayout\n{\n    public const int SIZE = 12;\n    public const int Pid = 0;\n    public const int StartTime = 4;\n}');
    expect(cs).toContain('    public const int Body = 40;\n    public const ushort MagicContentsLe = 0x4241;\n    public const ushort NMin = 1;\n    public const ushort NMax = 200;\n    public const int SlotsCount = 3;\n}');
  });
});

describe('the twinmap command', () => {
  const cli = join(root, 'dist', 'ts', 'cli.js');
  it('gen reports a refused spec with exit code 1', () => {
    const p = spec('cli_bad', 'meta:\n  id: cli_bad\nseq:\n  - id: x\n    size: 4\n    process: my_cipher(3)\n');
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [cli, 'gen', p, '--ts', join(scratch, 'cli')], { stdio: 'pipe' });
    } catch (e) {
      status = (e as { status: number }).status;
      stderr = String((e as { stderr: Buffer }).stderr);
    }
    expect(status).toBe(1);
    expect(stderr).toContain('process: my_cipher(3) is not supported (zlib, xor(key), rol(n) and ror(n) are)');
  });

  it('gen --check passes on the committed output of every spec set', () => {
    for (const set of specSets) {
      const o = genOptions(set);
      const flags = ['--ts', o.ts!, '--cs', o.cs!, '--namespace', o.namespace!, '--ts-runtime', o.tsRuntime!, ...(o.csRuntime ? ['--cs-runtime', o.csRuntime] : [])];
      execFileSync(process.execPath, [cli, 'gen', ...specFiles(root, set), ...flags, '--check'], { cwd: root, stdio: 'pipe' });
    }
  });
});

describe('twinmap gen --js', () => {
  it('writes ESM JavaScript that plain Node imports, with .d.ts files a strict TypeScript project type-checks', () => {
    const out = join(scratch, 'js-out');
    const fixture = join(root, 'ts', 'gen', 'fixtures', 'features', 'bit_fields.ksy');
    execFileSync(process.execPath, [join(root, 'dist', 'ts', 'cli.js'), 'gen', fixture, '--js', out], { stdio: 'pipe' });
    expect(readdirSync(out).sort()).toEqual(['bit_fields.d.ts', 'bit_fields.js', 'twinmap-runtime.d.ts', 'twinmap-runtime.js']);
    writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
    // Plain Node (no TypeScript): encode a value, decode it back, and see a DecodeError on bad input.
    const script = [
      `import { BitFields, Kind } from ${JSON.stringify(join(out, 'bit_fields.js'))};`,
      `const v = { version: 5, hasExtra: true, kind: Kind.THREE, lenPayload: 3, numFlags: 2, payload: Uint8Array.of(1, 2, 3), flags: [true, false], extra: 9, counter: 7, lePart: { low: 1, mid: 2, high: 3, mixed: 4, last: 5 }, packed: [1, 2, 3, 4], tail: [6, 7] };`,
      `const bytes = BitFields.encode(v);`,
      `const back = BitFields.decode(bytes);`,
      `let error = '';`,
      `try { BitFields.decode(Uint8Array.of(0)); } catch (e) { error = e.name; }`,
      `console.log(JSON.stringify({ hex: Buffer.from(bytes).toString('hex'), back: { ...back, payload: [...back.payload] }, error }));`,
    ].join('\n');
    const got = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as { hex: string; back: Record<string, unknown>; error: string };
    expect(got.back).toMatchObject({ version: 5, hasExtra: true, kind: 3, payload: [1, 2, 3], flags: [true, false], extra: 9, lePart: { low: 1, mid: 2, high: 3, mixed: 4, last: 5 }, tail: [6, 7] });
    expect(got.hex.startsWith('b3')).toBe(true); // version 5 (101), hasExtra 1, kind 3 (0011), MSB first
    expect(got.error).toBe('DecodeError');
    // The .d.ts files: a consumer that uses the types compiles under strict; a wrong one does not.
    const consumer = join(out, 'use.ts');
    writeFileSync(consumer, `import { BitFields, type BitFields as Value } from './bit_fields.js';\nconst v: Value = BitFields.decode(new Uint8Array(16));\nconst flag: boolean = v.hasExtra;\nconst n: number = v.counter;\nexport { flag, n };\n`);
    const bad = join(out, 'bad.ts');
    writeFileSync(bad, `import { BitFields } from './bit_fields.js';\nconst s: string = BitFields.decode(new Uint8Array(16)).counter;\nexport { s };\n`);
    const tsc = (file: string): string => {
      try {
        execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--exactOptionalPropertyTypes', '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--types', 'node', '--typeRoots', join(root, 'node_modules', '@types'), file], { cwd: out, stdio: 'pipe', encoding: 'utf8' });
        return '';
      } catch (e) {
        return String((e as { stdout?: string }).stdout ?? e);
      }
    };
    expect(tsc(consumer)).toBe('');
    expect(tsc(bad)).toContain("Type 'number' is not assignable to type 'string'");
  }, 120_000);

  it('compiles a spec with zlib fields without @types/node, and its JavaScript inflates them', () => {
    const out = join(scratch, 'js-zlib');
    const spec = join(root, 'ts', 'gen', 'fixtures', 'features', 'zlib_data.ksy');
    execFileSync(process.execPath, [join(root, 'dist', 'ts', 'cli.js'), 'gen', spec, '--js', out], { stdio: 'pipe' });
    writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
    const script = [
      `import { deflateSync } from 'node:zlib';`,
      `import { ZlibData } from ${JSON.stringify(join(out, 'zlib_data.js'))};`,
      `const h = deflateSync(Uint8Array.of(1, 0x61, 0)), b = deflateSync(Buffer.from('xyz'));`,
      `const v = ZlibData.decode(Uint8Array.of(h.length, 0, ...h, 1, ...b));`,
      `console.log(JSON.stringify({ names: v.header.names, blob: Buffer.from(v.blob).toString() }));`,
    ].join('\n');
    expect(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }))).toEqual({ names: ['a'], blob: 'xyz' });
  }, 60_000);

  it('writes the layout constants too, as the TypeScript output has them', () => {
    const out = join(scratch, 'js-layout');
    const spec = join(root, 'examples', 'formats', 'test_data.ksy');
    execFileSync(process.execPath, [join(root, 'dist', 'ts', 'cli.js'), 'gen', spec, '--js', out], { stdio: 'pipe' });
    writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
    const script = `import { TestDataLayout } from ${JSON.stringify(join(out, 'test_data.js'))}; console.log(JSON.stringify(TestDataLayout));`;
    const layout = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as Record<string, number>;
    expect(layout).toMatchObject({ SIZE: 48 });
    expect(readFileSync(join(out, 'test_data.d.ts'), 'utf8')).toContain('TestDataLayout');
  }, 60_000);
});
