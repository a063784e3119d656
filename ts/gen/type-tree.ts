// Pass 1 of loading a spec: the tree of types with their enums, params and defaults (endian,
// bit order, encoding from `meta`), so that pass 2 can resolve type and enum names in any order.
import { pascal, type Endian, type EnumDef, type Param, type SpecFile, type TypeDef } from './model.js';
import { SpecError, docOf, isMap, keysOf, type Yaml } from './spec-yaml.js';

// `to-string` only gives a type's text form (no effect on the bytes).
const TYPE_KEYS = new Set(['meta', 'seq', 'types', 'enums', 'doc', 'doc-ref', 'to-string', 'instances', 'params']);
export const WHY: Record<string, string> = {
  pos: 'pos is not supported',
};

export interface Ctx {
  file: string;
  endian: Endian | undefined;
  /** Order of bits in `bN` fields (Kaitai's default: be). */
  bitEndian: Endian;
  encoding: string | undefined;
  /** A switchable byte order (`meta/endian: {switch-on, cases}`) this type declares or inherits. */
  endianSwitch?: { on: unknown; cases: Yaml; at: string };
}

export function bitEndianOf(file: string, at: string, v: unknown): Endian {
  if (v !== 'le' && v !== 'be') throw new SpecError(file, at, 'bit-endian must be le or be', 'INVALID_ARGUMENT');
  return v;
}

/** Each type's defaults (endian, encoding): its own `meta`, else its parent's. */
export const typeCtx = new WeakMap<TypeDef, Ctx>();

function nestedCtx(parent: Ctx, node: Yaml, specPath: string): Ctx {
  const meta = node['meta'];
  if (meta === undefined) return parent;
  if (!isMap(meta)) throw new SpecError(parent.file, `${specPath}/meta`, 'meta must be a map', 'INVALID_ARGUMENT');
  const ctx: Ctx = { ...parent };
  for (const k of keysOf(meta)) {
    const v = meta[k];
    if (k === 'endian') {
      const at = `${specPath}/meta/endian`;
      if (isMap(v)) {
        // Decided when the type is read: kept as written, resolved with the type's fields (load.ts).
        if (v['switch-on'] === undefined || !isMap(v['cases']) || keysOf(v).some((x) => x !== 'switch-on' && x !== 'cases'))
          throw new SpecError(parent.file, at, 'a switchable endian needs switch-on and cases (and nothing else)', 'INVALID_ARGUMENT');
        for (const [key, e] of Object.entries(v['cases'])) if (e !== 'le' && e !== 'be') throw new SpecError(parent.file, `${at}/cases/${key}`, 'each case must be le or be', 'INVALID_ARGUMENT');
        ctx.endian = undefined;
        ctx.endianSwitch = { on: v['switch-on'], cases: v['cases'], at };
        continue;
      }
      if (v !== 'le' && v !== 'be') throw new SpecError(parent.file, at, 'endian must be le, be or {switch-on, cases}', 'INVALID_ARGUMENT');
      ctx.endian = v;
      delete ctx.endianSwitch;
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

export function declareType(parentCtx: Ctx, spec: SpecFile, id: string, node: Yaml, parent: TypeDef | undefined, specPath: string): TypeDef {
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
  if (ctx.endianSwitch) t.switchedEndian = {};
  const enums = node['enums'];
  if (enums !== undefined) {
    if (!isMap(enums)) throw new SpecError(ctx.file, `${specPath}/enums`, 'enums must be a map', 'INVALID_ARGUMENT');
    for (const [eid, body] of Object.entries(enums)) {
      if (!isMap(body)) throw new SpecError(ctx.file, `${specPath}/enums/${eid}`, 'an enum must be a map of value: name', 'INVALID_ARGUMENT');
      const e: EnumDef = { id: eid, name: pascal(eid), owner: t, members: [], wide: false };
      for (const [key, m] of Object.entries(body)) {
        let exact: bigint;
        try {
          // Kaitai's integer literals may group digits with `_` (0x0253_f200).
          exact = BigInt(/^-?\w+$/.test(key) && !key.startsWith('_') && !key.endsWith('_') ? key.replaceAll('_', '') : key);
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

export function findType(from: TypeDef, name: string): TypeDef | undefined {
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

export function findEnum(from: TypeDef, path: string[], name: string): EnumDef | undefined {
  if (path.length > 0) return findType(from, path.join('::'))?.enums.find((e) => e.id === name);
  for (let s: TypeDef | undefined = from; s; s = s.parent) {
    const e = s.enums.find((x) => x.id === name);
    if (e) return e;
  }
  return undefined;
}

/** A param of a user type, its type looked up once every spec's type tree is known. */
export const pendingParamTypes = new WeakMap<Param, { name: string; at: string; file: string }>();

/** Resolves a type's user-type params (`type: sample_header`) once every type is declared. */
export function resolveParamTypes(t: TypeDef): void {
  for (const p of t.params) {
    const pending = pendingParamTypes.get(p);
    if (!pending) continue;
    const target = findType(t, pending.name);
    if (!target) throw new SpecError(pending.file, pending.at, `unknown type '${pending.name}'`, 'INVALID_ARGUMENT');
    p.vt = { t: 'user', type: target };
    pendingParamTypes.delete(p);
  }
}

/** A type's `params`: integers, booleans, floats, strings, byte arrays and user-type objects. */
function paramsOf(ctx: Ctx, node: unknown, specPath: string): Param[] {
  if (node === undefined) return [];
  const at = `${specPath}/params`;
  if (!Array.isArray(node)) throw new SpecError(ctx.file, at, 'params must be a list', 'INVALID_ARGUMENT');
  return node.map((p: unknown, i) => {
    if (!isMap(p) || typeof p['id'] !== 'string') throw new SpecError(ctx.file, `${at}/${i}`, 'a param needs an id', 'INVALID_ARGUMENT');
    const ty = p['type'];
    const kind = ty === 'bool' ? 'bool' : typeof ty === 'string' && /^[us][1248](le|be)?$|^b\d+$/.test(ty) ? 'int' : undefined;
    if (kind) return { id: p['id'], kind };
    const where = `${at}/${i} (${p['id']})`;
    if (ty === 'bytes') return { id: p['id'], kind: 'value', vt: { t: 'bytes' } };
    if (ty === 'str') return { id: p['id'], kind: 'value', vt: { t: 'str' } };
    if (typeof ty === 'string' && /^f[48](le|be)?$/.test(ty)) return { id: p['id'], kind: 'value', vt: { t: 'float' } };
    if (typeof ty !== 'string' || ['struct', 'io', 'any'].includes(ty) || !/^[a-z_][a-z0-9_]*(::[a-z_][a-z0-9_]*)*$/.test(ty))
      throw new SpecError(ctx.file, where, `a param of type '${String(ty)}' is not supported (integers, bool, f4/f8, str, bytes and user types are)`);
    const param: Param = { id: p['id'], kind: 'value' };
    pendingParamTypes.set(param, { name: ty, at: where, file: ctx.file });
    return param;
  });
}
