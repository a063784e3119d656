// The Kaitai format gallery as a conformance suite: every open spec in ../shared/kaitai-gallery is
// given to `twinmap gen`. A refused spec must get a clear message (spec, path, feature); a generated
// one must type-check (strict, exactOptionalPropertyTypes), compile as C# (no implicit usings), and
// agree with Kaitai's own JS parser: random values encoded by twinmap parse to the same values, and
// random or mutated bytes decode to the same fields (or both fail). C# and TS decode and re-encode
// the same inputs to the same bytes (a decode-only spec: to the same fields). GALLERY_RUNS sets the sample size (`npm run fuzz` raises it).
import fc from 'fast-check';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaitaiParse, kaitaiParsers, type KaitaiClass } from '../../interop-tests/support/kaitai-js.js';
import { arbitraryOf, asKaitaiNumbers, fromKaitai, instanceDifference, registerCodecs, type Value } from '../../interop-tests/support/model-tools.js';
import type { Codec, DecodeCodec, DecodeParamsCodec, ParamsCodec } from './runtime/twinmap-runtime.js';
import { mutate, Rng } from '../../tools/fuzz/fuzz.js';
import { generateFiles, SpecError } from './index.js';
import { loadSpecs } from './load.js';
import { allTypes, camel, caseUserTypes, type SpecFile, type TypeDef } from './model.js';

const root = join(import.meta.dirname, '..', '..');
/**
 * The open part of Kaitai's gallery, beside the repository (CI puts ../shared next to the clone).
 * GALLERY_DIR measures another copy the same way, e.g. a checkout of the whole gallery.
 */
const galleryDir = process.env['GALLERY_DIR'] ?? join(root, '..', 'shared', 'kaitai-gallery');
const otherGallery = process.env['GALLERY_DIR'] !== undefined;
const runs = Number(process.env['GALLERY_RUNS'] ?? 60);
/** Today's floor: a change that makes fewer gallery specs generate fails here. */
const MIN_GENERATED = 103;

function ksyFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...ksyFiles(p));
    else if (name.endsWith('.ksy')) out.push(p);
  }
  return out;
}

interface Entry {
  path: string;
  name: string;
  refused?: string;
  spec?: SpecFile;
  tsDir?: string;
  namespace?: string;
  /** The root's codec: with encode, or decode-only (no encode method at all). */
  codec?: Codec<Value> | DecodeCodec<Value>;
  parser?: KaitaiClass;
  /** Valid encodings of random values, then damaged copies: the inputs every check reads. */
  inputs?: Uint8Array[];
  /** A root type with params: the codec that takes them, and the values each input is read with. */
  paramsCodec?: ParamsCodec<Value, Value> | DecodeParamsCodec<Value, Value>;
  args?: Value[];
  agrees?: boolean;
}

let csBuild: Promise<void> = Promise.resolve();
const out = mkdtempSync(join(tmpdir(), 'twinmap-gallery-'));
/** GALLERY_ONLY=a,b: only the specs whose path contains one of these (to work on a few; the summary then counts those). */
const only = process.env['GALLERY_ONLY']?.split(',').filter(Boolean);
const entries: Entry[] = (existsSync(galleryDir) ? ksyFiles(galleryDir).map((p) => ({ path: p, name: relative(galleryDir, p) })) : []).filter(
  (e) => only === undefined || only.some((o) => e.name.includes(o)),
);
const isError = (e: unknown, name: string): boolean => e instanceof Error && e.name === name;
/** A value in a failure message: bigints and bytes readable, Kaitai's back links (`_root`, `_parent`, `_io`) and cycles left out. */
const show = (v: unknown): string => {
  const seen = new WeakSet<object>();
  return (
    JSON.stringify(v, (k, x: unknown) => {
      if (k === '_root' || k === '_parent' || k === '_io') return undefined;
      if (typeof x === 'bigint') return `${x}n`;
      if (x instanceof Uint8Array) return Buffer.from(x).toString('hex');
      if (typeof x === 'object' && x !== null) {
        if (seen.has(x)) return '[cycle]';
        seen.add(x);
      }
      return x;
    })?.slice(0, 600) ?? 'undefined'
  );
};

beforeAll(async () => {
  expect(entries.length, `no specs found in ${galleryDir}`).toBeGreaterThan(only ? 0 : 100);
  for (const e of entries) {
    const dir = join(out, e.name.replace(/\.ksy$/, '').replaceAll('/', '_'));
    try {
      const spec = loadSpecs([e.path], { includeDirs: [galleryDir] })[0]!;
      const ns = `Gallery.N_${spec.id}`;
      const files = await generateFiles([e.path], { ts: join(dir, 'ts'), cs: join(dir, 'cs'), namespace: ns, includeDirs: [galleryDir] });
      for (const f of files) {
        mkdirSync(join(f.path, '..'), { recursive: true });
        writeFileSync(f.path, f.text);
      }
      Object.assign(e, { spec, tsDir: join(dir, 'ts'), namespace: ns });
    } catch (err) {
      if (!(err instanceof SpecError)) throw new Error(`${e.name}: twinmap gen crashed: ${err instanceof Error ? err.stack : String(err)}`);
      e.refused = err.message;
    }
  }
  for (const e of entries.filter((x) => x.spec)) {
    const spec = e.spec!;
    const mod = (await import(/* @vite-ignore */ join(e.tsDir!, `${spec.id}.ts`))) as Record<string, Codec<Value>>;
    if (spec.root.params.length) e.paramsCodec = mod[spec.root.name] as unknown as ParamsCodec<Value, Value>;
    else e.codec = mod[spec.root.name]!;
    registerCodecs(allTypes(spec), mod);
    e.parser = (await kaitaiParsers(e.path, [galleryDir]))[spec.root.name]!;
    const rng = new Rng(11);
    const writer = writerOf(e);
    // Random values whose sizes an expression computes (`size: a * b - 4`) may not fit it: encode
    // refuses those with an EncodeError, and the ones it writes are the seeds.
    const seeds = writer && !usesParams(spec) && !isRecursive(spec) ? fc.sample(arbitraryOf(spec.root), { numRuns: Math.max(8, Math.ceil(runs / 4)), seed: 7 }).flatMap((v) => encodedOrRefused(writer, v)) : [];
    if (seeds.length) {
      const damaged = Array.from({ length: runs }, (_, i) => (i % 4 === 3 ? randomBytes(rng) : mutate(seeds[rng.below(seeds.length)]!, rng)));
      e.inputs = [...seeds, ...damaged];
    } else {
      // Decode-only (no encoder makes valid seeds), with params (random values cannot follow sizes
      // passed in from outside) or recursive: random bytes, some long, and their mutations.
      const random = Array.from({ length: Math.ceil(runs / 2) }, (_, i) => randomBytes(rng, i % 2 ? 64 : 1024));
      e.inputs = [...random, ...Array.from({ length: runs - random.length }, () => mutate(random[rng.below(random.length)]!, rng))];
    }
    // Param values for each input: small numbers or bytes, booleans (Kaitai's parser gets the same).
    if (e.paramsCodec) e.args = e.inputs.map(() => Object.fromEntries(spec.root.params.map((p) => [camel(p.id), p.kind === 'bool' ? rng.below(2) === 1 : rng.below(2) ? rng.below(17) : rng.below(256)])));
  }
  csBuild = startCsBuild();
  csBuild.catch(() => undefined); // awaited (and reported) by the C# test
}, 600_000);

/** The codec input `i` is read with (a root with params: with that input's values). */
function codecAt(e: Entry, i: number): Codec<Value> | DecodeCodec<Value> {
  return e.paramsCodec ? e.paramsCodec.with(e.args![i]!) : e.codec!;
}

/** Kaitai's parse of input `i` (a root with params: given the same values, in the spec's order). */
function kaitaiAt(e: Entry, i: number): Record<string, unknown> {
  return kaitaiParse(e.parser!, e.inputs![i]!, e.spec!.root.params.map((p) => e.args![i]![camel(p.id)]));
}

/** True when a type of the spec (or of one it imports) takes params. */
function usesParams(spec: SpecFile): boolean {
  const seen = new Set<SpecFile>();
  const walk = (s: SpecFile): boolean => {
    if (seen.has(s)) return false;
    seen.add(s);
    const types = (t: TypeDef): TypeDef[] => [t, ...t.types.flatMap(types)];
    return types(s.root).some((t) => t.params.length > 0) || s.imports.some(walk);
  };
  return walk(spec);
}

/**
 * True when a type of the spec contains itself (a value holding values of its own type, through
 * switches): random values of it have no bound on their depth, so the spec is sampled from bytes.
 */
function isRecursive(spec: SpecFile): boolean {
  const inner = (t: TypeDef): TypeDef[] =>
    t.fields.flatMap((f) => (f.type.t === 'user' ? [f.type.type] : f.type.t === 'switch' ? caseUserTypes(f.type) : []));
  const reaches = (from: TypeDef, to: TypeDef, seen: Set<TypeDef>): boolean =>
    inner(from).some((x) => x === to || (!seen.has(x) && (seen.add(x), reaches(x, to, seen))));
  const seen = new Set<SpecFile>();
  const types = (s: SpecFile): TypeDef[] => (seen.has(s) ? [] : (seen.add(s), [...allTypes(s), ...s.imports.flatMap(types)]));
  return types(spec).some((t) => reaches(t, t, new Set()));
}

/** The root's encoder; undefined for a decode-only root (its codec has no encode). */
function writerOf(e: Entry): Codec<Value> | undefined {
  return e.spec!.root.decodeOnly ? undefined : (e.codec as Codec<Value>);
}

/** The value encoded, or nothing when encode refuses it with an EncodeError (any other error is thrown). */
function encodedOrRefused(writer: { encode(v: Value): Uint8Array }, v: Value): Uint8Array[] {
  try {
    return [writer.encode(v)];
  } catch (e) {
    if (isError(e, 'EncodeError')) return [];
    throw e;
  }
}

function randomBytes(rng: Rng, max = 64): Uint8Array {
  const b = new Uint8Array(rng.below(max));
  for (let i = 0; i < b.length; i++) b[i] = rng.below(256);
  return b;
}

afterAll(() => {
  const generated = entries.filter((e) => e.spec);
  const agree = generated.filter((e) => e.agrees);
  const writable = generated.filter((e) => !e.spec!.root.decodeOnly);
  console.log(`${generated.length} of ${entries.length} ${otherGallery ? `gallery specs in ${galleryDir}` : 'open gallery specs'} generate, agree with Kaitai: ${agree.length}, writable: ${writable.length}`);
});

describe('the Kaitai gallery', () => {
  it('refuses specs only with a message naming the spec, the place and the feature', () => {
    for (const e of entries.filter((x) => x.refused)) {
      // The spec named is the one holding the problem (the root or one it imports).
      expect(e.refused, e.name).toMatch(/^\S+\.ksy: \/[^:]*: \S/);
      expect(e.refused, e.name).not.toMatch(/\n\s+at /);
    }
    if (!only && !otherGallery) expect(entries.filter((e) => e.spec).length).toBeGreaterThanOrEqual(MIN_GENERATED);
  });

  it('generated TypeScript type-checks (strict, exactOptionalPropertyTypes)', () => {
    const dirs = entries.filter((e) => e.tsDir).map((e) => e.tsDir!);
    const tsconfig = join(out, 'tsconfig.json');
    writeFileSync(
      tsconfig,
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          noImplicitOverride: true,
          noEmit: true,
          types: ['node'],
          typeRoots: [join(root, 'node_modules', '@types')],
        },
        files: dirs.flatMap((d) => readdirSync(d).map((f) => join(d, f))),
      }),
    );
    try {
      execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], { stdio: 'pipe', encoding: 'utf8' });
    } catch (err) {
      expect.fail(`tsc: ${String((err as { stdout?: string }).stdout ?? err)}`);
    }
  }, 300_000);

  it('agrees with Kaitai: values encoded by twinmap, and random or damaged bytes', () => {
    const failures: string[] = [];
    for (const e of entries.filter((x) => x.spec)) {
      const problems: string[] = [];
      const writer = writerOf(e);
      const values = writer && !usesParams(e.spec!) && !isRecursive(e.spec!) ? fc.sample(arbitraryOf(e.spec!.root), { numRuns: runs, seed: 3 }) : [];
      for (const v of values) {
        const [bytes] = encodedOrRefused(writer!, v);
        if (!bytes) continue;
        let k: Record<string, unknown>;
        try {
          k = kaitaiParse(e.parser!, bytes);
        } catch (err) {
          problems.push(`Kaitai cannot parse the encoding of ${show(v)}: ${String(err)}`);
          continue;
        }
        if (!isDeepStrictEqual(asKaitaiNumbers(fromKaitai(k, e.spec!.root, v)), asKaitaiNumbers(v))) problems.push(`encode ${show(v)}: Kaitai reads ${show(fromKaitai(k, e.spec!.root, v))}`);
        if (!isDeepStrictEqual(asKaitaiNumbers(e.codec!.decode(bytes)), asKaitaiNumbers(v))) problems.push(`encode then decode of ${show(v)} differs`);
      }
      for (const [i, bytes] of e.inputs!.entries()) {
        const p = compareDecode(e, i);
        if (p) problems.push(`${Buffer.from(bytes).toString('hex').slice(0, 120)}${e.args ? ` ${show(e.args[i])}` : ''}: ${p}`);
      }
      e.agrees = problems.length === 0;
      if (problems.length) failures.push(`${e.name}: ${problems.length} disagreements, e.g.\n  ${problems.slice(0, 3).join('\n  ')}`);
    }
    expect(failures).toEqual([]);
  }, 600_000);

  it('C# decodes and re-encodes the same inputs to the same bytes as TypeScript', async () => {
    await csBuild;
    const generated = entries.filter((x) => x.spec);
    const proj = join(out, 'cs-check');
    const lines: string[] = [];
    const expected: string[] = [];
    const codecs: Array<Codec<Value> | DecodeCodec<Value>> = [];
    for (const e of generated) {
      for (const [i, bytes] of e.inputs!.entries()) {
        const args = e.args ? e.spec!.root.params.map((p) => ` ${String(e.args![i]![camel(p.id)])}`).join('') : '';
        lines.push(`${e.spec!.id} ${Buffer.from(bytes).toString('hex')}${args}`);
        expected.push(tsRoundtrip(e, i));
        codecs.push(codecAt(e, i));
      }
    }
    writeFileSync(join(proj, 'inputs.txt'), lines.join('\n') + '\n');
    execFileSync('dotnet', [join(proj, 'bin', 'GalleryCheck.dll'), join(proj, 'inputs.txt'), join(proj, 'results.txt')], { stdio: 'pipe' });
    // Not trimEnd: the line of an input that encodes to no bytes is 'ok '.
    const got = readFileSync(join(proj, 'results.txt'), 'utf8').replace(/\r?\n$/, '').split(/\r?\n/);
    // JavaScript numbers do not keep a float NaN's payload bits (C# does): where only those differ,
    // both encodings decode to the same values.
    const sameValues = (i: number): boolean => {
      const [a, b] = [got[i], expected[i]!];
      if (!a?.startsWith('ok ') || !b.startsWith('ok ')) return false;
      const decode = (h: string): Value => codecs[i]!.decode(Buffer.from(h.slice(3), 'hex'));
      return isDeepStrictEqual(decode(a), decode(b));
    };
    // A decode-only spec: C#'s decoded fields (as JSON) against the TS value, field by field.
    const sameFields = (i: number): string | undefined => {
      if (expected[i] !== 'json' || !got[i]?.startsWith('json ')) return 'differs';
      return fieldDifference(codecs[i]!.decode(Buffer.from(lines[i]!.split(' ')[1] ?? '', 'hex')), JSON.parse(got[i]!.slice(5)) as unknown, '');
    };
    const diffs = lines
      .map((l, i) => {
        if (got[i] === expected[i] || sameValues(i)) return '';
        const d = expected[i] === 'json' ? sameFields(i) : 'differs';
        return d === undefined ? '' : `${l.slice(0, 100)}: C# ${got[i]?.slice(0, 200)}, TS ${expected[i]!.slice(0, 60)} (${d})`;
      })
      .filter(Boolean);
    expect(diffs.slice(0, 10)).toEqual([]);
  }, 600_000);
});

/** Writes a console program over every generated spec's C# and starts building it (it takes a while). */
function startCsBuild(): Promise<void> {
  const generated = entries.filter((x) => x.spec);
  const proj = join(out, 'cs-check');
  mkdirSync(proj, { recursive: true });
  writeFileSync(
    join(proj, 'GalleryCheck.csproj'),
    `<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>disable</ImplicitUsings>
    <WarningsAsErrors>nullable</WarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
${generated.map((e) => `    <Compile Include="${join(e.tsDir!, '..', 'cs')}/*.cs" />`).join('\n')}
  </ItemGroup>
</Project>
`,
  );
  // Reads "<spec> <hex>" lines; writes "ok <hex>" (decoded, re-encoded), "decode" or "encode".
  // A decode-only root has no Encode: it writes "json <fields>", the decoded fields (its lazy
  // instances, get-only properties, are left out) for a field-by-field comparison with TS.
  // A root with params: its values follow the hex on the line, in the spec's order.
  const cases = generated.map((e) => {
    const ps = e.spec!.root.params;
    const args = ps.map((p, i) => `, ${p.kind === 'bool' ? 'bool' : 'long'}.Parse(args[${i}])`).join('');
    const encodeArgs = ps.map((p, i) => `${i ? ', ' : ''}${p.kind === 'bool' ? 'bool' : 'long'}.Parse(args[${i}])`).join('');
    return e.spec!.root.decodeOnly
      ? `            case "${e.spec!.id}": return "json " + JsonSerializer.Serialize(${e.namespace}.${e.spec!.root.name}.Decode(input${args}), Json);`
      : `            case "${e.spec!.id}": return "ok " + Convert.ToHexString(${e.namespace}.${e.spec!.root.name}.Decode(input${args}).Encode(${encodeArgs})).ToLowerInvariant();`;
  });
  writeFileSync(
    join(proj, 'Program.cs'),
    `using System;
using System.IO;
using System.Text.Json;
using System.Linq;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

static class Program
{
    static readonly JsonSerializerOptions Json = new()
    {
        // Fields only: instances (get-only properties) are lazy and may fail on their own.
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                info =>
                {
                    if (info.Kind != JsonTypeInfoKind.Object) return;
                    foreach (var p in info.Properties.Where(p => p.Set is null).ToList()) info.Properties.Remove(p);
                },
            },
        },
        // Fixed-layout structs keep their values in public fields.
        IncludeFields = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    static string Roundtrip(string spec, byte[] input, string[] args)
    {
        switch (spec)
        {
${cases.join('\n')}
            default: throw new ArgumentException(spec);
        }
    }

    static void Main(string[] args)
    {
        using var output = new StreamWriter(args[1]);
        foreach (var line in File.ReadLines(args[0]))
        {
            var parts = line.Split(' ');
            string result;
            try
            {
                result = Roundtrip(parts[0], Convert.FromHexString(parts.Length > 1 ? parts[1] : ""), parts.Skip(2).ToArray());
            }
            catch (Exception e) when (e.GetType().Name == "DecodeException")
            {
                result = "decode";
            }
            catch (Exception e) when (e.GetType().Name == "EncodeException")
            {
                result = "encode";
            }
            output.WriteLine(result);
        }
    }
}
`,
  );
  return new Promise((resolve, reject) => {
    execFile('dotnet', ['build', proj, '-c', 'Release', '--nologo', '-v', 'q', '-o', join(proj, 'bin')], { encoding: 'utf8' }, (err, stdout) =>
      err ? reject(new Error(`C# build failed:\n${stdout}`)) : resolve(),
    );
  });
}

/** TS decode and re-encode: what the C# program writes for the same input. */
function tsRoundtrip(e: Entry, i: number): string {
  let v: Value;
  const codec = codecAt(e, i);
  try {
    v = codec.decode(e.inputs![i]!);
  } catch (err) {
    if (isError(err, 'DecodeError')) return 'decode';
    throw err;
  }
  if (e.spec!.root.decodeOnly) return 'json';
  try {
    return `ok ${Buffer.from((codec as Codec<Value>).encode(v)).toString('hex')}`;
  } catch (err) {
    if (isError(err, 'EncodeError')) return 'encode';
    throw err;
  }
}

/** undefined when twinmap and Kaitai read `bytes` alike (the same fields, or both fail). */
function compareDecode(e: Entry, i: number): string | undefined {
  let ours: Value | undefined;
  let oursError: unknown;
  try {
    ours = codecAt(e, i).decode(e.inputs![i]!);
  } catch (err) {
    if (!isError(err, 'DecodeError')) return `twinmap crashed: ${String(err)}`;
    oursError = err;
  }
  let theirs: Record<string, unknown> | undefined;
  let theirError: unknown;
  try {
    theirs = kaitaiAt(e, i);
  } catch (err) {
    theirError = err;
  }
  if (oursError && theirError) return undefined;
  if (oursError) return `twinmap fails (${String(oursError)}), Kaitai reads ${show(theirs)}`;
  if (theirError) return `Kaitai fails (${String(theirError)}), twinmap reads ${show(ours)}`;
  const k = asKaitaiNumbers(fromKaitai(theirs!, e.spec!.root, ours));
  if (!isDeepStrictEqual(k, asKaitaiNumbers(ours))) return `twinmap reads ${show(ours)}, Kaitai ${show(k)}`;
  // Instances, read lazily from both (each has the same value, or both fail).
  return instanceDifference(ours!, theirs!, e.spec!.root);
}

/**
 * Where C#'s decoded fields (System.Text.Json: camelCase-ish names, byte[] as base64, null left
 * out, floats with their own shortest form) differ from the TS value; undefined when they agree.
 */
function fieldDifference(ts: unknown, cs: unknown, at: string): string | undefined {
  if (ts === undefined || ts === null) return cs === undefined || cs === null ? undefined : `${at}: TS has none, C# ${show(cs)}`;
  if (ts instanceof Uint8Array) return cs === Buffer.from(ts).toString('base64') ? undefined : `${at}: TS ${show(ts)}, C# ${show(cs)}`;
  if (typeof ts === 'bigint') return typeof cs === 'number' && Number(ts) === cs ? undefined : `${at}: TS ${ts}, C# ${show(cs)}`;
  if (typeof ts === 'number') {
    const n = typeof cs === 'string' ? Number(cs) : cs; // NaN and infinities come as strings
    // An f4 prints shorter in C# (0.1 for the float nearest 0.1): equal as 32-bit floats.
    if (typeof n === 'number' && (Object.is(n, ts) || n === ts || Math.fround(n) === ts)) return undefined;
    return `${at}: TS ${ts}, C# ${show(cs)}`;
  }
  if (Array.isArray(ts)) {
    if (!Array.isArray(cs) || cs.length !== ts.length) return `${at}: TS ${ts.length} items, C# ${show(cs)}`;
    for (let i = 0; i < ts.length; i++) {
      const d = fieldDifference(ts[i], cs[i], `${at}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (typeof ts === 'object') {
    if (typeof cs !== 'object' || cs === null || Array.isArray(cs)) return `${at}: TS an object, C# ${show(cs)}`;
    // Names: TS camelCase, C# PascalCase (a clash adds '_'): compared without case or '_'.
    const key = (k: string): string => k.replaceAll('_', '').toLowerCase();
    const theirs = new Map(Object.entries(cs).map(([k, v]) => [key(k), v] as const));
    for (const [k, v] of Object.entries(ts)) {
      const d = fieldDifference(v, theirs.get(key(k)), `${at}.${k}`);
      if (d) return d;
      theirs.delete(key(k));
    }
    const extra = [...theirs.entries()].filter(([, v]) => v !== null && v !== undefined);
    return extra.length ? `${at}: C# has ${extra.map(([k]) => k).join(', ')} too` : undefined;
  }
  return ts === cs ? undefined : `${at}: TS ${show(ts)}, C# ${show(cs)}`;
}
