// Reads .ksy files (and their imports) into the model, refusing anything outside the supported
// subset with the spec path, the field path and what is unsupported. Loading runs in passes: the
// type tree (type-tree.ts), then each type's fields (fields.ts) and instances (instances.ts), whose
// expressions are checked in refs.ts; then the passes over the finished model: lengths, sizes and
// decode-only types (sizes.ts), bit alignment (bit-ends.ts), generated names (names.ts). The YAML
// helpers are in spec-yaml.ts.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { bitEnd } from './bit-ends.js';
import { defineField } from './fields.js';
import { defineInstances, registerInstances } from './instances.js';
import type { SpecFile, TypeDef } from './model.js';
import { checkNames } from './names.js';
import { checkParentStreams, checkRootInImports, passUpArgs } from './parent-root.js';
import { checkWideEnums, deferred, finalChecks } from './refs.js';
import { checkRepeats, computeSizes, findLengthFields, markDecodeOnly, walkTypes } from './sizes.js';
import { SpecError, isMap, keysOf, parseSpecYaml, type Yaml } from './spec-yaml.js';
import { defineEndianSwitch, passEndianArgs } from './switched-endian.js';
import { bitEndianOf, declareType, resolveParamTypes, typeCtx, type Ctx } from './type-tree.js';

export { SpecError } from './spec-yaml.js';

const META_KEYS = new Set(['id', 'title', 'application', 'file-extension', 'xref', 'license', 'ks-version', 'encoding', 'endian', 'bit-endian', 'imports', 'tags']);

/** Options for `loadSpecs`. */
export interface LoadOptions {
  /** Folders searched for absolute imports (`/common/x`); defaults to the folder of each root spec. */
  includeDirs?: string[];
}

/** Loads root specs and everything they import; each file is loaded once. */
export function loadSpecs(paths: string[], options: LoadOptions = {}): SpecFile[] {
  // Left over by a load that failed part-way: they belong to its specs.
  deferred.length = 0;
  finalChecks.length = 0;
  const byPath = new Map<string, SpecFile>();
  const pending: Array<() => void> = [];
  const roots: SpecFile[] = [];

  function load(file: string, rootDir: string): SpecFile {
    const abs = resolve(file);
    const known = byPath.get(abs);
    if (known) return known;
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (e) {
      throw new SpecError(file, '', `cannot read: ${(e as Error).message}`, 'INVALID_ARGUMENT');
    }
    let doc: unknown;
    try {
      doc = parseSpecYaml(text);
    } catch (e) {
      throw new SpecError(file, '', `not valid YAML: ${(e as Error).message}`, 'INVALID_ARGUMENT');
    }
    if (!isMap(doc) || !isMap(doc['meta'])) throw new SpecError(file, '/meta', 'a spec needs a meta section', 'INVALID_ARGUMENT');
    const meta = doc['meta'];
    for (const k of keysOf(meta)) if (!META_KEYS.has(k)) throw new SpecError(file, `/meta/${k}`, `meta key '${k}' is not supported`);
    const id = meta['id'];
    if (typeof id !== 'string') throw new SpecError(file, '/meta/id', 'meta/id is required', 'INVALID_ARGUMENT');
    const endian = meta['endian'];
    if (endian !== undefined && endian !== 'le' && endian !== 'be')
      throw new SpecError(file, '/meta/endian', `endian must be le or be (a switchable endian is supported in nested types, not on the root type)`);
    const encoding = meta['encoding'];
    if (encoding !== undefined && typeof encoding !== 'string') throw new SpecError(file, '/meta/encoding', 'encoding must be a string', 'INVALID_ARGUMENT');
    const bitEndian = meta['bit-endian'] === undefined ? 'be' : bitEndianOf(file, '/meta/bit-endian', meta['bit-endian']);
    const ctx: Ctx = { file, endian, bitEndian, encoding };
    const spec: SpecFile = { path: file, id, root: undefined as unknown as TypeDef, imports: [] };
    byPath.set(abs, spec);
    spec.root = declareType(ctx, spec, id, doc, undefined, '');
    const imports = meta['imports'];
    if (imports !== undefined) {
      if (!Array.isArray(imports)) throw new SpecError(file, '/meta/imports', 'imports must be a list', 'INVALID_ARGUMENT');
      imports.forEach((imp, i) => {
        if (typeof imp !== 'string') throw new SpecError(file, `/meta/imports/${i}`, 'an import must be a string', 'INVALID_ARGUMENT');
        const candidates = imp.startsWith('/')
          ? [...(options.includeDirs ?? []), rootDir].map((d) => join(d, imp.slice(1) + '.ksy'))
          : [join(dirname(abs), imp + '.ksy')];
        const found = candidates.find((c) => {
          try {
            readFileSync(c);
            return true;
          } catch {
            return false;
          }
        });
        if (found === undefined) throw new SpecError(file, `/meta/imports/${i}`, `cannot find imported spec '${imp}' (looked at ${candidates.join(', ')})`, 'INVALID_ARGUMENT');
        // Relative to the working directory, like the paths users give: the path is written into
        // generated headers, which must not depend on where the checkout lives.
        spec.imports.push(load(relative(process.cwd(), found) || found, rootDir));
      });
    }
    pending.push(() => defineType(spec.root, doc));
    return spec;
  }

  for (const p of paths) roots.push(load(p, dirname(resolve(p))));
  for (const f of pending) f();
  for (let f = deferred.shift(); f; f = deferred.shift()) f();
  passUpArgs([...byPath.values()]);
  passEndianArgs([...byPath.values()]);
  for (const f of finalChecks.splice(0)) f();
  const specs = [...byPath.values()];
  for (const s of specs) for (const t of walkTypes(s.root)) computeSizes(t);
  // A type whose values keep their stream (`io: x._io`) is a class, and so is any type holding one.
  for (let changed = true; changed; ) {
    changed = false;
    for (const s of specs)
      for (const t of walkTypes(s.root))
        if (t.blittable && (t.keepsIo || t.fields.some((f) => f.type.t === 'user' && !f.type.type.blittable))) {
          t.blittable = false;
          changed = true;
        }
  }
  for (const s of specs) for (const t of walkTypes(s.root)) checkRepeats(t);
  for (const s of specs) for (const t of walkTypes(s.root)) bitEnd(t);
  checkRootInImports(specs);
  checkParentStreams(specs);
  checkNames(specs);
  markDecodeOnly(specs);
  checkWideEnums(specs);
  return roots;
}

// Pass 2: fields, then instances.
function defineType(t: TypeDef, node: Yaml): void {
  const ctx = typeCtx.get(t)!;
  const types = node['types'];
  for (const nested of t.types) defineType(nested, (types as Yaml)[nested.id] as Yaml);
  resolveParamTypes(t);
  // Known before the seq: a seq field's size or count may use a value instance.
  registerInstances(ctx, t, node['instances'], node['seq']);
  defineEndianSwitch(t);
  const seq = node['seq'];
  if (seq !== undefined) {
    if (!Array.isArray(seq)) throw new SpecError(ctx.file, `${t.specPath}/seq`, 'seq must be a list', 'INVALID_ARGUMENT');
    seq.forEach((attr, i) => t.fields.push(defineField(ctx, t, attr, `${t.specPath}/seq/${i}`)));
  }
  defineInstances(ctx, t, node['instances']);
  findLengthFields(t);
}
