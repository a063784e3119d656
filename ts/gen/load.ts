// Reads .ksy files (and their imports) into the model, refusing anything outside the supported
// subset with the spec path, the field path and what is unsupported: types, fields, instances,
// params and the names in their expressions. The YAML helpers are in spec-yaml.ts; the passes
// over the finished model (lengths, sizes, decode-only types, generated names) in sizes.ts and
// names.ts.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ExprError, constValue, isBoolExpr, mapExpr, parseExpr, walkExpr, type Expr } from './expr.js';
import {
  camel,
  encodingUnit,
  pascal,
  type Encoding,
  type Endian,
  type EnumDef,
  type Field,
  type FieldType,
  type Instance,
  type Param,
  type Size,
  type SpecFile,
  type TypeDef,
  type ValidCheck,
} from './model.js';
import { checkNames } from './names.js';
import { checkRepeats, computeSizes, elementSize, findLengthFields, markDecodeOnly, walkTypes } from './sizes.js';
import { SpecError, docOf, isMap, keysOf, parseSpecYaml, type Yaml } from './spec-yaml.js';

export { SpecError } from './spec-yaml.js';

const META_KEYS = new Set(['id', 'title', 'application', 'file-extension', 'xref', 'license', 'ks-version', 'encoding', 'endian', 'bit-endian', 'imports', 'tags']);
// `to-string` only gives a type's text form (no effect on the bytes).
const TYPE_KEYS = new Set(['meta', 'seq', 'types', 'enums', 'doc', 'doc-ref', 'to-string', 'instances', 'params']);
const ATTR_KEYS = new Set(['id', 'type', 'size', 'size-eos', 'encoding', 'contents', 'repeat', 'repeat-expr', 'repeat-until', 'if', 'enum', 'doc', 'doc-ref', 'valid', 'terminator', 'include', 'consume', 'pad-right', 'eos-error']);
const WHY: Record<string, string> = {
  process: 'process (compression, xor, ...) is not supported',
  pos: 'pos is not supported',
};

interface Ctx {
  file: string;
  endian: Endian | undefined;
  /** Order of bits in `bN` fields (Kaitai's default: be). */
  bitEndian: Endian;
  encoding: string | undefined;
}

function bitEndianOf(file: string, at: string, v: unknown): Endian {
  if (v !== 'le' && v !== 'be') throw new SpecError(file, at, 'bit-endian must be le or be', 'INVALID_ARGUMENT');
  return v;
}

/** Options for `loadSpecs`. */
export interface LoadOptions {
  /** Folders searched for absolute imports (`/common/x`); defaults to the folder of each root spec. */
  includeDirs?: string[];
}

/** Loads root specs and everything they import; each file is loaded once. */
export function loadSpecs(paths: string[], options: LoadOptions = {}): SpecFile[] {
  // Left over by a load that failed part-way: they belong to its specs.
  deferred.length = 0;
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
      throw new SpecError(file, '/meta/endian', `endian must be le or be (switchable endianness is not supported)`);
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
  for (const r of roots)
    if (r.root.params.length) throw new SpecError(r.path, '/params', 'a root type with params cannot be decoded on its own (its params come from a type that uses it)');
  for (const f of pending) f();
  for (const f of deferred.splice(0)) f();
  const specs = [...byPath.values()];
  for (const s of specs) for (const t of walkTypes(s.root)) computeSizes(t);
  for (const s of specs) for (const t of walkTypes(s.root)) checkRepeats(t);
  for (const s of specs) for (const t of walkTypes(s.root)) bitEnd(t);
  checkNames(specs);
  markDecodeOnly(specs);
  checkWideEnums(specs);
  return roots;
}

/** Checks that need every type's fields (dotted references like `header.len_body`). */
const deferred: Array<() => void> = [];

/** Enums named in expressions, with where (expressions compute with numbers, not bigints). */
const usedInExpr = new WeakMap<EnumDef, string>();

function checkWideEnums(specs: SpecFile[]): void {
  for (const s of specs)
    for (const t of walkTypes(s.root)) {
      for (const e of t.enums) {
        const at = usedInExpr.get(e);
        if (e.wide && at !== undefined) throw new SpecError(s.path, at, `enum '${e.id}' holds 64-bit values; using its members in expressions is not supported`);
      }
      for (const f of t.fields) {
        if (f.enumDef?.wide && (f.type as { size?: number }).size !== 8)
          throw new SpecError(s.path, `${f.specPath} (${t.name}.${f.id})`, `enum '${f.enumDef.id}' holds 64-bit values and is also used on a ${(f.type as { size: number }).size}-byte field; give the two fields separate enums`);
      }
    }
}

// Pass 1: the type tree, with enums, so that pass 2 can resolve names in any order.
/** Each type's defaults (endian, encoding): its own `meta`, else its parent's. */
const typeCtx = new WeakMap<TypeDef, Ctx>();

function nestedCtx(parent: Ctx, node: Yaml, specPath: string): Ctx {
  const meta = node['meta'];
  if (meta === undefined) return parent;
  if (!isMap(meta)) throw new SpecError(parent.file, `${specPath}/meta`, 'meta must be a map', 'INVALID_ARGUMENT');
  const ctx: Ctx = { ...parent };
  for (const k of keysOf(meta)) {
    const v = meta[k];
    if (k === 'endian') {
      if (v !== 'le' && v !== 'be') throw new SpecError(parent.file, `${specPath}/meta/endian`, 'endian must be le or be (switchable endianness is not supported)');
      ctx.endian = v;
    } else if (k === 'bit-endian') {
      ctx.bitEndian = bitEndianOf(parent.file, `${specPath}/meta/bit-endian`, v);
    } else if (k === 'encoding') {
      if (typeof v !== 'string') throw new SpecError(parent.file, `${specPath}/meta/encoding`, 'encoding must be a string', 'INVALID_ARGUMENT');
      ctx.encoding = v;
    } else {
      throw new SpecError(parent.file, `${specPath}/meta/${k}`, `meta key '${k}' is not supported in a nested type`);
    }
  }
  return ctx;
}

function declareType(parentCtx: Ctx, spec: SpecFile, id: string, node: Yaml, parent: TypeDef | undefined, specPath: string): TypeDef {
  const ctx = parent === undefined ? parentCtx : nestedCtx(parentCtx, node, specPath);
  for (const k of keysOf(node)) {
    if (k === 'meta') continue;
    if (!TYPE_KEYS.has(k)) throw new SpecError(ctx.file, `${specPath}/${k}`, WHY[k] ?? `'${k}' is not supported`);
  }
  const t: TypeDef = {
    id,
    name: pascal(id),
    spec,
    parent,
    specPath,
    doc: docOf(node),
    fields: [],
    types: [],
    enums: [],
    fixedSize: undefined,
    minSize: 0,
    blittable: false,
    instances: [],
    decodeOnly: undefined,
    params: paramsOf(ctx, node['params'], specPath),
    touchesBits: false,
  };
  typeCtx.set(t, ctx);
  const enums = node['enums'];
  if (enums !== undefined) {
    if (!isMap(enums)) throw new SpecError(ctx.file, `${specPath}/enums`, 'enums must be a map', 'INVALID_ARGUMENT');
    for (const [eid, body] of Object.entries(enums)) {
      if (!isMap(body)) throw new SpecError(ctx.file, `${specPath}/enums/${eid}`, 'an enum must be a map of value: name', 'INVALID_ARGUMENT');
      const e: EnumDef = { id: eid, name: pascal(eid), owner: t, members: [], wide: false };
      for (const [key, m] of Object.entries(body)) {
        let exact: bigint;
        try {
          exact = BigInt(key);
        } catch {
          throw new SpecError(ctx.file, `${specPath}/enums/${eid}/${key}`, `enum value '${key}' is not an integer`, 'INVALID_ARGUMENT');
        }
        if (exact < -(1n << 63n) || exact >= 1n << 64n) throw new SpecError(ctx.file, `${specPath}/enums/${eid}/${key}`, `enum value ${exact} does not fit in 64 bits`, 'INVALID_ARGUMENT');
        const value = Number(exact);
        if (!Number.isSafeInteger(value)) e.wide = true;
        // YAML reads `0: false` as a boolean; Kaitai takes it as the member's name.
        const mid = typeof m === 'string' ? m : typeof m === 'boolean' ? String(m) : isMap(m) ? (typeof m['id'] === 'boolean' ? String(m['id']) : m['id']) : undefined;
        if (typeof mid !== 'string') throw new SpecError(ctx.file, `${specPath}/enums/${eid}/${key}`, 'enum member needs a name', 'INVALID_ARGUMENT');
        e.members.push({ id: mid, value, exact, doc: isMap(m) ? docOf(m) : undefined });
      }
      t.enums.push(e);
    }
  }
  const types = node['types'];
  if (types !== undefined) {
    if (!isMap(types)) throw new SpecError(ctx.file, `${specPath}/types`, 'types must be a map', 'INVALID_ARGUMENT');
    for (const [tid, body] of Object.entries(types)) {
      if (!isMap(body)) throw new SpecError(ctx.file, `${specPath}/types/${tid}`, 'a type must be a map', 'INVALID_ARGUMENT');
      t.types.push(declareType(ctx, spec, tid, body, t, `${specPath}/types/${tid}`));
    }
  }
  return t;
}

function findType(from: TypeDef, name: string): TypeDef | undefined {
  const [head, ...rest] = name.split('::');
  let found: TypeDef | undefined;
  for (let s: TypeDef | undefined = from; s && !found; s = s.parent) {
    found = s.types.find((x) => x.id === head) ?? (s.parent === undefined && s.id === head ? s : undefined);
  }
  if (!found) found = from.spec.imports.map((i) => i.root).find((r) => r.id === head);
  if (!found) {
    // Imports of imports are visible too (Kaitai resolves them globally by meta/id).
    const seen = new Set<SpecFile>();
    const stack = [...from.spec.imports];
    while (stack.length && !found) {
      const s = stack.pop()!;
      if (seen.has(s)) continue;
      seen.add(s);
      if (s.root.id === head) found = s.root;
      stack.push(...s.imports);
    }
  }
  for (const part of rest) found = found?.types.find((x) => x.id === part);
  return found;
}

function findEnum(from: TypeDef, path: string[], name: string): EnumDef | undefined {
  if (path.length > 0) return findType(from, path.join('::'))?.enums.find((e) => e.id === name);
  for (let s: TypeDef | undefined = from; s; s = s.parent) {
    const e = s.enums.find((x) => x.id === name);
    if (e) return e;
  }
  return undefined;
}

// Pass 2: fields, then instances.
function defineType(t: TypeDef, node: Yaml): void {
  const ctx = typeCtx.get(t)!;
  const types = node['types'];
  for (const nested of t.types) defineType(nested, (types as Yaml)[nested.id] as Yaml);
  // Known before the seq: a seq field's size or count may use a value instance.
  registerInstances(ctx, t, node['instances'], node['seq']);
  const seq = node['seq'];
  if (seq !== undefined) {
    if (!Array.isArray(seq)) throw new SpecError(ctx.file, `${t.specPath}/seq`, 'seq must be a list', 'INVALID_ARGUMENT');
    seq.forEach((attr, i) => t.fields.push(defineField(ctx, t, attr, `${t.specPath}/seq/${i}`)));
  }
  defineInstances(ctx, t, node['instances']);
  findLengthFields(t);
}

function defineField(ctx: Ctx, t: TypeDef, attr: unknown, at: string, scope: Scope = 'seq'): Field {
  if (!isMap(attr)) throw new SpecError(ctx.file, at, 'a seq entry must be a map', 'INVALID_ARGUMENT');
  const id = attr['id'];
  if (typeof id !== 'string') throw new SpecError(ctx.file, at, 'every seq entry needs an id (unnamed fields are not supported)');
  const where = `${at} (${t.name}.${id})`;
  const fail = (problem: string, code: 'UNSUPPORTED' | 'INVALID_ARGUMENT' = 'UNSUPPORTED'): never => {
    throw new SpecError(ctx.file, where, problem, code);
  };
  for (const k of keysOf(attr)) if (!ATTR_KEYS.has(k)) fail(WHY[k] ?? `'${k}' is not supported`);
  const expr = (key: string): Expr => {
    try {
      return checkRefs(parseExpr(attr[key]));
    } catch (e) {
      if (e instanceof ExprError) return fail(`${key}: ${e.message}`);
      throw e;
    }
  };
  const checkRefs = (e: Expr): Expr => resolveRefs(t, e, scope, where, fail);
  const sizeOf = (): Size | undefined => {
    if (attr['size-eos'] === true) {
      if (attr['size'] !== undefined) fail('size and size-eos together', 'INVALID_ARGUMENT');
      return { eos: true };
    }
    if (attr['size'] === undefined) return undefined;
    const e = expr('size');
    if (isBoolExpr(e)) fail('size must be an integer expression', 'INVALID_ARGUMENT');
    return { expr: e };
  };
  const encodingOf = (): Encoding => {
    const enc = (attr['encoding'] ?? ctx.encoding) as unknown;
    if (typeof enc !== 'string') return fail('a string needs an encoding (field or meta/encoding)', 'INVALID_ARGUMENT');
    const norm = normalizeEncoding(enc);
    if (norm === undefined) return fail(`encoding '${enc}' is not supported (UTF-8, ASCII, UTF-16LE, UTF-16BE, ISO-8859-1 and windows-1250 … windows-1258 are)`);
    return norm;
  };

  let type: FieldType;
  const typeName = attr['type'];
  const size = sizeOf();
  const delimKeys = ['terminator', 'include', 'consume', 'pad-right', 'eos-error'].filter((k) => attr[k] !== undefined);
  const byteOf = (key: string): number => {
    const b = attr[key];
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) return fail(`${key} must be a byte (0..255)`, 'INVALID_ARGUMENT');
    return b;
  };
  const flag = (key: string, dflt: boolean): boolean => {
    const b = attr[key] ?? dflt;
    if (typeof b !== 'boolean') return fail(`${key} must be true or false`, 'INVALID_ARGUMENT');
    return b;
  };
  const delimited = (encoding: Encoding | undefined, defaultTerm: number | undefined): FieldType => {
    const term = attr['terminator'] !== undefined ? byteOf('terminator') : (defaultTerm ?? -1);
    const pad = attr['pad-right'] !== undefined ? byteOf('pad-right') : -1;
    const include = flag('include', false);
    const eosError = flag('eos-error', true);
    if (!flag('consume', true)) fail('consume: false is not supported (the terminator is left to the next field, so the field cannot be written back faithfully)');
    if (size && 'eos' in size) fail('size-eos with terminator or pad-right is not supported');
    if (size === undefined && term < 0) fail('needs a size or a terminator', 'INVALID_ARGUMENT');
    if (size === undefined && pad >= 0) fail('pad-right needs a size', 'INVALID_ARGUMENT');
    if (size !== undefined && include) fail('include with a size is not supported');
    if (encoding && encodingUnit(encoding) !== 1) fail(`terminator, pad-right, include or eos-error on a ${encoding} string is not supported (strz is)`);
    return { t: 'delimited', encoding, size, term, include, eosError, pad };
  };
  if (attr['contents'] !== undefined) {
    if (typeName !== undefined || size !== undefined) fail('contents cannot have a type or size', 'INVALID_ARGUMENT');
    type = { t: 'contents', bytes: contentsBytes(attr['contents'], fail) };
  } else if (typeName === undefined) {
    if (delimKeys.length) type = delimited(undefined, undefined);
    else {
      if (size === undefined) fail('a field needs a type, a size, size-eos or contents', 'INVALID_ARGUMENT');
      type = { t: 'bytes', size: size! };
    }
  } else if (isMap(typeName)) {
    const on = typeName['switch-on'];
    const cases = typeName['cases'];
    if (on === undefined || !isMap(cases)) fail('type must be a name or {switch-on, cases}', 'INVALID_ARGUMENT');
    let onExpr: Expr;
    try {
      onExpr = checkRefs(parseExpr(on));
    } catch (e) {
      if (e instanceof ExprError) fail(`switch-on: ${e.message}`);
      throw e;
    }
    let fallback: TypeDef | undefined;
    const list: { match: Expr; type: TypeDef }[] = [];
    for (const [key, caseType] of Object.entries(cases as Yaml)) {
      if (typeof caseType !== 'string') fail(`switch case '${key}' must name a type`, 'INVALID_ARGUMENT');
      const target = findType(t, caseType as string);
      if (target?.params.length) fail(`switch case '${key}': type '${target.id}' takes params (not supported in a switch)`);
      if (!target) fail(`switch case '${key}': ${primitive(caseType as string) ? 'only user types are supported as switch cases' : `unknown type '${caseType as string}'`}`);
      if (key === '_') {
        fallback = target;
        continue;
      }
      let match: Expr;
      try {
        match = checkRefs(parseExpr(/^-?\d+$/.test(key) ? Number(key) : key));
      } catch (e) {
        if (e instanceof ExprError) fail(`switch case '${key}': ${e.message}`);
        throw e;
      }
      if (match.k !== 'int' && match.k !== 'enum') fail(`switch case '${key}': only integer and enum literals are supported`);
      list.push({ match, type: target! });
    }
    type = { t: 'switch', on: onExpr!, cases: list, fallback, size };
  } else if (typeof typeName === 'string') {
    const prim = primitive(typeName);
    if (prim) {
      if (size !== undefined) fail(`size on a ${typeName} field is not supported`);
      if (prim.t !== 'float' && prim.t !== 'int') fail(`type '${typeName}' is not supported`);
      const endian = typeName.endsWith('le') ? 'le' : typeName.endsWith('be') ? 'be' : ctx.endian;
      if (prim.size > 1 && endian === undefined) fail(`type '${typeName}' needs an endianness (meta/endian or ${typeName}le/${typeName}be)`, 'INVALID_ARGUMENT');
      type = prim.t === 'int' ? { t: 'int', size: prim.size, signed: prim.signed, endian: endian ?? 'le' } : { t: 'float', size: prim.size as 4 | 8, endian: endian ?? 'le' };
    } else if (typeName === 'str' || typeName === 'strz') {
      if (delimKeys.length) type = delimited(encodingOf(), typeName === 'strz' ? 0 : undefined);
      else {
        if (typeName === 'str' && size === undefined) fail('str needs size, size-eos or a terminator', 'INVALID_ARGUMENT');
        type = { t: 'str', encoding: encodingOf(), size, zeroTerminated: typeName === 'strz' };
      }
    } else if (/^b\d+(le|be)?$/.test(typeName)) {
      const m = /^b(\d+)(le|be)?$/.exec(typeName)!;
      const width = Number(m[1]);
      if (size !== undefined) fail(`size on a ${typeName} field is not supported`);
      if (width < 1) fail(`'${typeName}' is not a bit-sized integer`, 'INVALID_ARGUMENT');
      if (width > 32) fail(`bit-sized integers wider than 32 bits ('${typeName}') are not supported`);
      type = { t: 'bits', width, endian: (m[2] as Endian | undefined) ?? ctx.bitEndian, bool: width === 1 && attr['enum'] === undefined };
    } else {
      const call = /^([^(]+)\((.*)\)$/s.exec(typeName.trim());
      const name = call ? call[1]!.trim() : typeName;
      const target = findType(t, name);
      if (!target) return fail(`unknown type '${name}'`, 'INVALID_ARGUMENT');
      const args = call ? splitArgs(call[2]!).map((a, i) => {
        try {
          return checkRefs(parseExpr(a));
        } catch (e) {
          if (e instanceof ExprError) return fail(`argument ${i + 1} of ${name}: ${e.message}`);
          throw e;
        }
      }) : [];
      if (args.length !== target.params.length) fail(`type '${name}' takes ${target.params.length} argument(s), ${args.length} given`, 'INVALID_ARGUMENT');
      type = args.length ? { t: 'user', type: target, size, args } : { t: 'user', type: target, size };
    }
  } else {
    return fail('type must be a string or a switch', 'INVALID_ARGUMENT');
  }
  if (attr['encoding'] !== undefined && type.t !== 'str' && !(type.t === 'delimited' && type.encoding)) fail('encoding on a field that is not a string', 'INVALID_ARGUMENT');
  if (delimKeys.length && type.t !== 'delimited') fail(`${delimKeys.join(', ')}: only on bytes and strings`);

  let repeat: Field['repeat'];
  const rep = attr['repeat'];
  if (rep === 'expr') {
    if (attr['repeat-expr'] === undefined) fail('repeat: expr needs repeat-expr', 'INVALID_ARGUMENT');
    const count = expr('repeat-expr');
    if (isBoolExpr(count)) fail('repeat-expr must be an integer expression', 'INVALID_ARGUMENT');
    repeat = { kind: 'expr', count };
  } else if (rep === 'eos') {
    repeat = { kind: 'eos' };
  } else if (rep === 'until') {
    if (attr['repeat-until'] === undefined) fail('repeat: until needs repeat-until', 'INVALID_ARGUMENT');
    const cond = expr('repeat-until');
    resolveItems(t, type, cond, where, fail);
    repeat = { kind: 'until', cond };
  } else if (rep !== undefined) {
    fail(`repeat: ${String(rep)} is not supported (expr, eos and until are)`);
  }
  if (attr['repeat-until'] !== undefined && rep !== 'until') fail('repeat-until without repeat: until', 'INVALID_ARGUMENT');
  if (type.t === 'contents' && repeat) fail('repeat on contents is not supported');

  let cond: Expr | undefined;
  if (attr['if'] !== undefined) {
    cond = expr('if');
    const c = cond;
    const check = (): void => {
      if (!isBoolExpr(c) && !isBoolRef(t, c)) fail('if must be a boolean expression', 'INVALID_ARGUMENT');
    };
    // A dotted reference (`header.flags.has_crc`) is known once every type has its fields.
    if (hasPath(c)) deferred.push(check);
    else check();
  }

  let enumDef: EnumDef | undefined;
  if (attr['enum'] !== undefined) {
    if (type.t !== 'int' && type.t !== 'bits') fail('enum on a field that is not an integer', 'INVALID_ARGUMENT');
    const parts = String(attr['enum']).split('::');
    enumDef = findEnum(t, parts.slice(0, -1), parts[parts.length - 1]!);
    if (!enumDef) return fail(`unknown enum '${String(attr['enum'])}'`, 'INVALID_ARGUMENT');
    // An enum on a 64-bit field holds bigint values (exact); used on smaller fields too, it cannot.
    if (type.t === 'int' && type.size === 8) enumDef.wide = true;
    // Bit-sized fields share enums with wider ones in practice: members that do not fit never match.
    for (const m of type.t === 'bits' ? [] : enumDef.members) {
      const it = type as { size: number; signed: boolean };
      const bits = BigInt(it.size * 8);
      const [lo, hi] = it.signed ? [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n] : [0n, (1n << bits) - 1n];
      if (m.exact < lo || m.exact > hi) fail(`enum '${enumDef.id}' member ${m.id} = ${m.exact} does not fit in a ${it.signed ? 's' : 'u'}${it.size}`, 'INVALID_ARGUMENT');
    }
  }
  let validInEnum = false;
  let validEq: number | undefined;
  let validCheck: ValidCheck | undefined;
  const valid = attr['valid'];
  if (valid !== undefined) {
    if (isMap(valid) && Object.keys(valid).length === 1 && valid['in-enum'] === true && enumDef) validInEnum = true;
    else if ((type.t === 'int' || (type.t === 'bits' && !type.bool)) && typeof valid === 'number') validEq = valid;
    else if ((type.t === 'int' || (type.t === 'bits' && !type.bool)) && isMap(valid) && Object.keys(valid).length === 1 && typeof valid['eq'] === 'number') validEq = valid['eq'];
    else if ((type.t === 'int' || (type.t === 'bits' && !type.bool)) && isMap(valid) && keysOf(valid).every((k) => ['min', 'max', 'any-of', 'expr'].includes(k))) {
      // Bounds and lists: integer or enum literals (constant expressions).
      const constant = (v: unknown, key: string): number => {
        const e = v === undefined ? undefined : (() => { try { return checkRefs(parseExpr(v)); } catch (err) { if (err instanceof ExprError) return fail(`valid/${key}: ${err.message}`); throw err; } })();
        const n = e === undefined ? undefined : e.k === 'enum' ? e.resolved?.value : constValue(e);
        if (n === undefined) return fail(`valid/${key}: only integer and enum literals are supported`);
        return n;
      };
      validCheck = { text: JSON.stringify(valid).replaceAll('"', "'") };
      if (valid['min'] !== undefined) validCheck.min = constant(valid['min'], 'min');
      if (valid['max'] !== undefined) validCheck.max = constant(valid['max'], 'max');
      if (valid['any-of'] !== undefined) {
        if (!Array.isArray(valid['any-of'])) fail('valid/any-of must be a list', 'INVALID_ARGUMENT');
        validCheck.anyOf = (valid['any-of'] as unknown[]).map((x) => constant(x, 'any-of'));
      }
      if (valid['expr'] !== undefined) {
        if (type.t === 'int' && type.size === 8) fail('valid/expr on a 64-bit field is not supported');
        let e: Expr;
        try {
          e = checkRefs(parseExpr(valid['expr']));
        } catch (err) {
          if (err instanceof ExprError) return fail(`valid/expr: ${err.message}`);
          throw err;
        }
        walkExpr(e, (x) => {
          if (x.k === 'item' && x.path) fail("valid/expr: '_' is the value itself here (no fields)");
          if (x.k === 'index') fail("valid/expr: '_index' is not supported here");
        });
        if (!isBoolExpr(e)) fail('valid/expr must be a boolean expression', 'INVALID_ARGUMENT');
        validCheck.expr = e;
      }
    }
    else fail('valid: only in-enum: true (on an enum field), and eq, min, max, any-of and expr on integer fields are supported');
  }
  if (valid !== undefined && repeat) fail('valid on a repeated field is not supported');
  return {
    id,
    specPath: at,
    doc: docOf(attr),
    type,
    repeat,
    cond,
    enumDef,
    validInEnum,
    validEq,
    ...(validCheck && { validCheck }),
    lengthOf: undefined,
    csName: pascal(id),
    viewName: camel(id),
  };
}

/** Where an expression is: a seq field sees earlier fields; an instance sees every field and instance. */
type Scope = 'seq' | 'instance';

/**
 * `_` and `_.a.b` in a repeat-until condition: the element itself (a number or `b1` boolean), or
 * integer/boolean fields of a user-type element (resolved once every type has its fields).
 */
function resolveItems(t: TypeDef, type: FieldType, cond: Expr, where: string, fail: (problem: string) => never): void {
  walkExpr(cond, (x) => {
    if (x.k !== 'item') return;
    const shown = ['_', ...(x.path ?? [])].join('.');
    if (!x.path) {
      if (type.t !== 'int' && type.t !== 'bits') fail(`repeat-until: '_' is a ${type.t} (only integer elements compare directly; use _.field)`);
      return;
    }
    if (type.t !== 'user') return fail(`repeat-until: '${shown}' needs elements of a user type`);
    const path = x.path;
    deferred.push(() => {
      let owner = (type as { type: TypeDef }).type;
      const fields: Field[] = [];
      path.forEach((id, i) => {
        const m = owner.fields.find((y) => y.id === id);
        if (!m) return fail(`repeat-until: '${shown}': ${owner.name} has no seq field '${id}' (instances and methods of the element are not supported here)`);
        if (m.cond || m.repeat) fail(`repeat-until: '${shown}': ${owner.name}.${id} is repeated or conditional (not supported)`);
        const last = i === path.length - 1;
        if (last && m.type.t !== 'int' && m.type.t !== 'bits') fail(`repeat-until: '${shown}': ${owner.name}.${id} is not an integer or b1 field`);
        if (!last) {
          if (m.type.t !== 'user') fail(`repeat-until: '${shown}': ${owner.name}.${id} is not a user-type field`);
          else owner = m.type.type;
        }
        // Read from outside its type, the field is part of the value, not a computed length.
        m.lengthOf = undefined;
        fields.push(m);
      });
      x.pathFields = fields;
    });
  });
  void t;
  void where;
}

/**
 * Checks an expression's names against the type and resolves them: fields (and fields inside
 * them), enum members, parse instances (in instances only); a value instance is replaced by its
 * expression, so sizes and counts computed through one still encode.
 */
function resolveRefs(t: TypeDef, e: Expr, scope: Scope, where: string, fail: (problem: string) => never): Expr {
  return mapExpr(e, (x) => {
    if (x.k === 'io') {
      if (scope === 'instance' && x.prop !== 'size') fail(`_io.${x.prop} in an instance is not supported (it depends on when the instance is first used)`);
      return x;
    }
    if (x.k === 'enum') {
      const en = x.path.length ? findEnum(t, x.path.slice(0, -1), x.path[x.path.length - 1]!) : undefined;
      const m = en?.members.find((mm) => mm.id === x.member);
      if (!en || !m) return fail(`unknown enum value '${[...x.path, x.member].join('::')}'`);
      if (x.toInt) {
        if (!Number.isSafeInteger(m.value)) return fail(`'${[...x.path, x.member].join('::')}.to_i' does not fit in a double (not supported)`);
        return { k: 'int', value: m.value };
      }
      x.resolved = { enumDef: en, memberId: m.id, value: m.value };
      usedInExpr.set(en, where);
      return x;
    }
    if (x.k === 'sizeof') return sizeofField(t, x, fail);
    if (x.k !== 'ref') return undefined;
    const shown = [x.name, ...(x.path ?? [])].join('.');
    const param = t.params.find((p) => p.id === x.name);
    if (param && !t.fields.some((y) => y.id === x.name)) {
      if (x.path) return fail(`expression '${shown}': '${x.name}' is a parameter (member access on it is not supported)`);
      return { ...x, param: true };
    }
    let f = t.fields.find((y) => y.id === x.name);
    if (!f) {
      const entry = instanceNodes.get(t)?.get(x.name);
      if (!entry) return fail(`expression refers to '${x.name}', which is not ${scope === 'seq' ? 'an earlier field' : 'a field or instance'} of ${t.name}`);
      if (entry.node['value'] !== undefined) {
        if (x.path) return fail(`expression '${shown}': '${x.name}' is a value instance (member access on it is not supported)`);
        if (entry.inlining) return fail(`value instance '${x.name}' refers to itself`);
        if (entry.node['if'] !== undefined) return fail(`expression refers to '${x.name}', a value instance with an if condition (not supported)`);
        entry.inlining = true;
        try {
          return resolveRefs(t, parseValue(entry, fail), scope, where, fail);
        } finally {
          entry.inlining = false;
        }
      }
      if (scope === 'seq') return fail(`expression refers to '${x.name}', a parse instance (a seq field that depends on one is not supported)`);
      const inst = defineInstance(t, x.name);
      x.instance = inst;
      f = inst.field!;
    }
    // A conditional integer field without a value reads as Kaitai's null would: NaN in TS
    // arithmetic; in C# a DecodeException (EncodeException when writing).
    if (f.cond && (x.path || f.type.t === 'user')) fail(`expression refers to '${x.name}', which has an if condition (not supported)`);
    // `.to_i` of an integer (or enum) field is the integer itself.
    if (x.path?.length === 1 && x.path[0] === 'to_i' && (f.type.t === 'int' || f.type.t === 'bits') && !f.repeat) {
      const { path: _, ...plain } = x;
      return plain;
    }
    if (!x.path) {
      if ((f.type.t !== 'int' && f.type.t !== 'bits') || f.repeat) fail(`expression refers to '${x.name}', which is not a single integer field`);
      return x;
    }
    if (f.type.t !== 'user' || f.repeat) return fail(`expression '${shown}': '${x.name}' is not a single user-type field`);
    const head = f.type.type;
    const path = x.path;
    // Resolved once every type has its fields (the type may be declared later in the spec).
    deferred.push(() => {
      let owner = head;
      const fields: Field[] = [];
      path.forEach((id, i) => {
        const m = owner.fields.find((y) => y.id === id);
        if (!m) return fail(`expression '${shown}': ${owner.name} has no field '${id}' (methods and instances of other types are not supported)`);
        if (m.cond || m.repeat) fail(`expression '${shown}': ${owner.name}.${id} is repeated or conditional (not supported)`);
        const last = i === path.length - 1;
        if (last && m.type.t !== 'int' && m.type.t !== 'bits') fail(`expression '${shown}': ${owner.name}.${id} is not an integer field`);
        if (!last) {
          if (m.type.t !== 'user') fail(`expression '${shown}': ${owner.name}.${id} is not a user-type field`);
          else owner = m.type.type;
        }
        // Read from outside its type, the field is part of the value, not a computed length.
        m.lengthOf = undefined;
        fields.push(m);
      });
      x.pathFields = fields;
    });
    return x;
  });
}

/**
 * `field._sizeof`: Kaitai knows it when compiling (the field's size is fixed), so it becomes an
 * integer literal. A user type's size is known once every type is loaded: until then the literal is
 * NaN (not a constant for `constValue`), filled in by a deferred step.
 */
function sizeofField(t: TypeDef, x: Extract<Expr, { k: 'sizeof' }>, fail: (problem: string) => never): Expr {
  const shown = [x.name, ...x.path, '_sizeof'].join('.');
  const lit: { k: 'int'; value: number } = { k: 'int', value: Number.NaN };
  const head = t.fields.find((y) => y.id === x.name);
  if (!head) return fail(`expression '${shown}': '${x.name}' is not a field of ${t.name} (_sizeof of a field is supported)`);
  deferred.push(() => {
    let f = head;
    for (const id of x.path) {
      const m = f.type.t === 'user' && !f.repeat ? f.type.type.fields.find((y) => y.id === id) : undefined;
      if (!m) return fail(`expression '${shown}': '${f.id}' has no field '${id}'`);
      f = m;
    }
    if (f.repeat || f.cond || f.type.t === 'bits') return fail(`expression '${shown}': '${f.id}' is repeated, conditional or bit-sized (_sizeof of a fixed-size field is supported)`);
    if (f.type.t === 'user') computeSizes(f.type.type);
    const n = elementSize(f).fixed;
    if (n === undefined) return fail(`expression '${shown}': '${f.id}' has no fixed size (_sizeof of a fixed-size field is supported)`);
    lit.value = n;
  });
  return lit;
}

interface InstanceEntry {
  node: Yaml;
  at: string;
  inst: Instance | undefined;
  defining: boolean;
  inlining: boolean;
  raw: Expr | undefined;
}

/** Each type's instances as written, defined on first use (they may refer to each other in any order). */
const instanceNodes = new WeakMap<TypeDef, Map<string, InstanceEntry>>();

function parseValue(entry: InstanceEntry, fail: (problem: string) => never): Expr {
  if (entry.raw === undefined) {
    try {
      entry.raw = parseExpr(entry.node['value']);
    } catch (e) {
      if (e instanceof ExprError) return fail(`value: ${e.message}`);
      throw e;
    }
  }
  return entry.raw;
}

// `enum` only names the value's meaning: the value is the integer (as Kaitai's JS gives it).
const VALUE_INSTANCE_KEYS = new Set(['value', 'doc', 'doc-ref', 'enum', 'if']);

function registerInstances(ctx: Ctx, t: TypeDef, node: unknown, seq: unknown): void {
  if (node === undefined) return;
  if (!isMap(node)) throw new SpecError(ctx.file, `${t.specPath}/instances`, 'instances must be a map', 'INVALID_ARGUMENT');
  const map = new Map<string, InstanceEntry>();
  const seqIds = new Set(Array.isArray(seq) ? seq.map((a: unknown) => (isMap(a) ? a['id'] : undefined)) : []);
  for (const [id, body] of Object.entries(node)) {
    const at = `${t.specPath}/instances/${id}`;
    if (!isMap(body)) throw new SpecError(ctx.file, at, 'an instance must be a map', 'INVALID_ARGUMENT');
    if (seqIds.has(id)) throw new SpecError(ctx.file, at, `instance '${id}' has the name of a seq field`, 'INVALID_ARGUMENT');
    map.set(id, { node: body, at, inst: undefined, defining: false, inlining: false, raw: undefined });
  }
  instanceNodes.set(t, map);
}

function defineInstances(_ctx: Ctx, t: TypeDef, node: unknown): void {
  if (node === undefined) return;
  const map = instanceNodes.get(t)!;
  for (const id of map.keys()) defineInstance(t, id);
  // In the spec's order (an instance used by another one is defined first).
  t.instances = [...map.values()].map((e) => e.inst!);
}

function defineInstance(t: TypeDef, id: string): Instance {
  const ctx = typeCtx.get(t)!;
  const entry = instanceNodes.get(t)!.get(id)!;
  if (entry.inst) return entry.inst;
  const where = `${entry.at} (${t.name}.${id})`;
  const fail = (problem: string, code: 'UNSUPPORTED' | 'INVALID_ARGUMENT' = 'UNSUPPORTED'): never => {
    throw new SpecError(ctx.file, where, problem, code);
  };
  if (entry.defining) return fail(`instance '${id}' depends on itself`);
  entry.defining = true;
  const body = entry.node;
  const inst: Instance = { id, specPath: entry.at, doc: docOf(body), value: undefined, field: undefined, pos: undefined, csName: pascal(id), viewName: camel(id) };
  if (body['value'] !== undefined) {
    for (const k of keysOf(body)) if (!VALUE_INSTANCE_KEYS.has(k)) fail(`'${k}' on a value instance is not supported`);
    entry.inlining = true;
    inst.value = resolveRefs(t, parseValue(entry, fail), 'instance', where, fail);
    if (body['if'] !== undefined) {
      let cond: Expr;
      try {
        cond = resolveRefs(t, parseExpr(body['if']), 'instance', where, fail);
      } catch (e) {
        if (e instanceof ExprError) return fail(`if: ${e.message}`);
        throw e;
      }
      inst.valueCond = cond;
    }
    entry.inlining = false;
  } else {
    if (body['io'] !== undefined) fail('io (an instance read from another stream) is not supported');
    if (body['pos'] === undefined) fail('a parse instance without pos is not supported (it reads wherever the stream happens to be when first used)');
    let pos: Expr;
    try {
      pos = resolveRefs(t, parseExpr(body['pos']), 'instance', where, fail);
    } catch (e) {
      if (e instanceof ExprError) return fail(`pos: ${e.message}`);
      throw e;
    }
    if (isBoolExpr(pos)) fail('pos must be an integer expression', 'INVALID_ARGUMENT');
    inst.pos = pos;
    const attr: Yaml = { ...body, id };
    delete attr['pos'];
    inst.field = defineField(ctx, t, attr, entry.at, 'instance');
  }
  entry.inst = inst;
  entry.defining = false;
  return inst;
}

function hasPath(e: Expr): boolean {
  return e.k === 'not' ? hasPath(e.e) : e.k === 'ref' && e.path !== undefined;
}

/** `flag`, `not flag`: a condition made of a `b1` field. */
function isBoolRef(t: TypeDef, e: Expr): boolean {
  if (e.k === 'not') return isBoolRef(t, e.e) || isBoolExpr(e.e);
  if (e.k !== 'ref') return false;
  const f = t.fields.find((x) => x.id === e.name);
  const last = e.pathFields?.[e.pathFields.length - 1] ?? (e.path ? undefined : f);
  return last?.type.t === 'bits' && last.type.bool;
}

/** Splits `a, (b, c), d` at its top-level commas. */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(' || ch === '[') depth++;
    if (ch === ')' || ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '' || out.length) out.push(cur.trim());
  return out;
}

/** A type's `params`: integers and booleans only. */
function paramsOf(ctx: Ctx, node: unknown, specPath: string): Param[] {
  if (node === undefined) return [];
  const at = `${specPath}/params`;
  if (!Array.isArray(node)) throw new SpecError(ctx.file, at, 'params must be a list', 'INVALID_ARGUMENT');
  return node.map((p: unknown, i) => {
    if (!isMap(p) || typeof p['id'] !== 'string') throw new SpecError(ctx.file, `${at}/${i}`, 'a param needs an id', 'INVALID_ARGUMENT');
    const ty = p['type'];
    const kind = ty === 'bool' ? 'bool' : typeof ty === 'string' && /^[us][1248](le|be)?$|^b\d+$/.test(ty) ? 'int' : undefined;
    if (!kind) throw new SpecError(ctx.file, `${at}/${i} (${p['id']})`, `a param of type '${String(ty)}' is not supported (integer and bool params are)`);
    return { id: p['id'], kind };
  });
}

/** Kaitai's encoding names (case-insensitive, with its aliases) to the canonical ones twinmap supports. */
function normalizeEncoding(enc: string): Encoding | undefined {
  const u = enc.toUpperCase().replaceAll('_', '-');
  if (u === 'UTF-8' || u === 'UTF8') return 'UTF-8';
  if (u === 'ASCII' || u === 'US-ASCII') return 'ASCII';
  if (u === 'UTF-16LE' || u === 'UTF-16BE') return u;
  if (u === 'ISO-8859-1' || u === 'ISO8859-1' || u === 'LATIN1') return 'ISO-8859-1';
  const w = /^(?:CP|WINDOWS-?)(125[0-8])$/.exec(u);
  return w ? `windows-${w[1]!}` as Encoding : undefined;
}

function primitive(name: string): { t: 'int'; size: 1 | 2 | 4 | 8; signed: boolean } | { t: 'float'; size: 4 | 8 } | undefined {
  const m = /^([us])([1248])(le|be)?$/.exec(name);
  if (m) return { t: 'int', size: Number(m[2]) as 1 | 2 | 4 | 8, signed: m[1] === 's' };
  const f = /^f([48])(le|be)?$/.exec(name);
  if (f) return { t: 'float', size: Number(f[1]) as 4 | 8 };
  return undefined;
}

function contentsBytes(c: unknown, fail: (p: string) => never): number[] {
  const parts = Array.isArray(c) ? c : [c];
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number' && Number.isInteger(p) && p >= 0 && p <= 255) out.push(p);
    else if (typeof p === 'string') out.push(...new TextEncoder().encode(p));
    else fail(`contents entry ${JSON.stringify(p)} is not a byte or a string`);
  }
  if (out.length === 0) fail('contents is empty');
  return out;
}

// Bit-sized fields: Kaitai's stream keeps the unread bits of the last byte a bit field took, and
// only aligns before a byte-sized field that follows a bit field of the same type. A nested type
// that ends inside a byte leaves those bits to whatever its parent reads next: twinmap supports the
// layouts where that cannot happen (every run of bits starts at a byte; sizes are whole bytes).

/** 'aligned': the type ends on a byte boundary; 'bits': it may end inside a byte. */
type BitEnd = 'aligned' | 'bits';
const bitEnds = new Map<TypeDef, BitEnd>();

/** Types read in the same stream as this field (a field with a size gets its own). */
function sameStreamTypes(f: Field): TypeDef[] {
  const ty = f.type;
  if (ty.t === 'user' && !ty.size) return [ty.type];
  if (ty.t === 'switch' && !ty.size) return [...ty.cases.map((c) => c.type), ...(ty.fallback ? [ty.fallback] : [])];
  return [];
}

function bitEnd(t: TypeDef): BitEnd {
  const known = bitEnds.get(t);
  if (known) return known;
  bitEnds.set(t, 'aligned'); // a recursive type: its own bits are checked where it is defined
  let state: BitEnd = 'aligned';
  /** Bits of the current run, mod 8, when known. */
  let run: number | undefined = 0;
  t.fields.forEach((f, i) => {
    const where = `${f.specPath} (${t.name}.${f.id})`;
    if (f.type.t === 'bits') {
      if (i === 0 || !isBitsField(t.fields[i - 1]!)) {
        if (state !== 'aligned') throw new SpecError(t.spec.path, where, 'a bit-sized field that continues in the bits a nested type left in its last byte is not supported');
        run = 0;
      }
      const n = f.repeat ? (f.repeat.kind === 'expr' ? constValue(f.repeat.count) : undefined) : 1;
      const bits = f.type.width % 8;
      if (bits !== 0) run = run !== undefined && n !== undefined && !f.cond ? (run + n * bits) % 8 : undefined;
      state = run === 0 ? 'aligned' : 'bits';
      return;
    }
    if (i > 0 && isBitsField(t.fields[i - 1]!)) state = 'aligned';
    if (state !== 'aligned') throw new SpecError(t.spec.path, where, 'a field after a nested type that ends inside a byte (bit-sized fields) is not supported');
    for (const sub of sameStreamTypes(f)) {
      const end = bitEnd(sub);
      if (end === 'bits' && f.repeat) throw new SpecError(t.spec.path, where, `repeating ${sub.name}, which can end inside a byte (bit-sized fields), is not supported`);
      if (end === 'bits') state = 'bits';
      if (sub.touchesBits) t.touchesBits = true;
    }
  });
  bitEnds.set(t, state);
  return state;
}

function isBitsField(f: Field): boolean {
  return f.type.t === 'bits';
}
