// Expression checks: the names in a spec's expressions (sizes, counts, conditions, positions,
// values) resolved against the type they are in, or refused with what is not supported.
import { ExprError, mapExpr, parseExpr, walkExpr, type Expr, type Up } from './expr.js';
import { BYTES, FLOAT, STR, typeOf } from './expr-types.js';
import type { EnumDef, Field, FieldType, Param, SpecFile, TypeDef } from './model.js';
import { instanceEntry, parseValue, type InstanceEntry } from './instance-table.js';
import { computeSizes, elementSize, walkTypes } from './sizes.js';
import { SpecError } from './spec-yaml.js';
import { findEnum, findType } from './type-tree.js';
import { declaredParams, showUp, upParam } from './up-params.js';

/** Checks that need every type's fields (dotted references like `header.len_body`); run until none is left. */
export const deferred: Array<() => void> = [];
/** Checks of what the deferred steps resolved (an `if` through a dotted name is boolean). */
export const finalChecks: Array<() => void> = [];

/** Root types whose expressions read `_root.x` as their own field `x`. */
export const rootReadsItself = new WeakSet<TypeDef>();

/**
 * Types whose seq fields read one of their parse instances (`size: len_header`, an instance at a
 * position): the instance is read then, while the seq is read, and kept, as Kaitai does.
 */
export const seqReadsInstances = new WeakSet<TypeDef>();

/** True when an expression reads where the stream is (`_io.pos`, `_io.eof`). */
export function readsStreamPosition(e: Expr): boolean {
  let found = false;
  walkExpr(e, (x) => {
    if (x.k === 'io' && x.prop !== 'size' && !x.root) found = true;
    if (x.k === 'ref' && x.instance?.value && readsStreamPosition(x.instance.value)) found = true;
  });
  return found;
}

/** Types that use `_root.x._sizeof` (the root of their own spec), with where. */
export const rootSizeofUsers = new WeakMap<TypeDef, string>();

/** Enums named in expressions, with where (expressions compute with numbers, not bigints). */
export const usedInExpr = new WeakMap<EnumDef, string>();

export function checkWideEnums(specs: SpecFile[]): void {
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

/**
 * While the size, switch or arguments of a repeated seq field are resolved: its id, and the
 * references to it found there (the elements read so far, as Kaitai's parsers see the array while
 * they fill it). The field is set on each once it is defined.
 */
let building: { id: string; refs: Array<Extract<Expr, { k: 'ref' }>> } | undefined;
export function setBuilding(id: string | undefined): Array<Extract<Expr, { k: 'ref' }>> {
  building = id === undefined ? undefined : { id, refs: [] };
  return building?.refs ?? [];
}

/** Where an expression is: a seq field sees earlier fields; an instance sees every field and instance. */
export type Scope = 'seq' | 'instance';

// Inside a parse instance's `pos` (read lazily, after the decode): `_root.a.b` is looked up in the
// decoded root value, not passed down while the root is still being read.
let lazyRoot = 0;
export function withLazyRoot<T>(make: () => T): T {
  lazyRoot++;
  try {
    return make();
  } finally {
    lazyRoot--;
  }
}

/**
 * `_` and `_.a.b` in a repeat-until condition: the element itself (a number or `b1` boolean), or
 * number, boolean, string or bytes fields of a user-type element (resolved once every type has its fields).
 */
export function resolveItems(t: TypeDef, type: FieldType, cond: Expr, where: string, fail: (problem: string) => never): void {
  walkExpr(cond, (x) => {
    if (x.k !== 'item') return;
    const shown = ['_', ...(x.path ?? [])].join('.');
    if (!x.path) {
      // A number, or a string or byte array (`_ == ""`): the element as it is.
      if (type.t === 'str' || (type.t === 'delimited' && type.encoding)) x.vt = STR;
      else if (type.t === 'bytes' || type.t === 'delimited') x.vt = BYTES;
      else if (type.t === 'float') x.vt = FLOAT;
      else if (type.t !== 'int' && type.t !== 'bits') fail(`repeat-until: '_' is a ${type.t} (numbers, strings and byte arrays compare directly; use _.field)`);
      return;
    }
    if (type.t !== 'user') return fail(`repeat-until: '${shown}' needs elements of a user type`);
    const path = x.path;
    deferred.push(() => {
      let owner = (type as { type: TypeDef }).type;
      const fields: Field[] = [];
      let inlined = false;
      path.forEach((id, i) => {
        const m = owner.fields.find((y) => y.id === id);
        const entry = m ? undefined : instanceEntry(owner, id);
        // `_.is_end` where `is_end` is a value instance of the element: its expression, read through `_`.
        if (!m && i === path.length - 1 && entry?.node['value'] !== undefined) {
          inlined = true;
          return inlineItem(x, owner, entry, fields, shown, fail);
        }
        if (!m) return fail(`repeat-until: '${shown}': ${owner.name} has no seq field '${id}' (parse instances and methods of the element are not supported here)`);
        if (m.cond || m.repeat) fail(`repeat-until: '${shown}': ${owner.name}.${id} is repeated or conditional (not supported)`);
        const last = i === path.length - 1;
        const plain = ['int', 'bits', 'float', 'str', 'bytes', 'delimited'].includes(m.type.t);
        if (last && !plain) fail(`repeat-until: '${shown}': ${owner.name}.${id} is a ${m.type.t === 'user' ? 'user type' : m.type.t} (numbers, strings and bytes are supported)`);
        if (!last) {
          if (m.type.t !== 'user') fail(`repeat-until: '${shown}': ${owner.name}.${id} is not a user-type field`);
          else owner = m.type.type;
        }
        // Read from outside its type, the field is part of the value, not a computed length.
        m.lengthOf = undefined;
        fields.push(m);
      });
      if (!inlined) x.pathFields = fields;
    });
  });
  void t;
  void where;
}

/**
 * `_.a.v` in a repeat-until condition where `v` is a value instance of the element's type: replaced
 * (in place) by v's expression with each of its names read through `_.a`.
 */
function inlineItem(x: Extract<Expr, { k: 'item' }>, owner: TypeDef, entry: InstanceEntry, prefix: Field[], shown: string, fail: (problem: string) => never): void {
  if (entry.inlining) return fail(`repeat-until: '${shown}': the value instance refers to itself`);
  const where = `repeat-until '${shown}'`;
  entry.inlining = true;
  let inner: Expr;
  try {
    const resolve = (e: Expr): Expr => resolveRefs(owner, e, 'instance', where, fail);
    inner = guarded(entry, resolve(parseValue(entry, fail)), resolve, fail);
  } finally {
    entry.inlining = false;
  }
  walkExpr(inner, (y) => {
    if (y.k === 'io' || (y.k === 'ref' && (y.param || y.instance))) fail(`repeat-until: '${shown}': the value instance reads ${y.k === 'io' ? '_io' : `'${y.name}' (a ${y.param ? 'param' : 'parse instance'})`} of ${owner.name} (not supported here)`);
  });
  const rebase = (): void => {
    let pending = false;
    walkExpr(inner, (y) => {
      if (y.k === 'ref' && y.path && !y.pathFields) pending = true;
    });
    if (pending) {
      deferred.push(rebase);
      return;
    }
    const rebased = mapExpr(inner, (y) => {
      if (y.k !== 'ref') return undefined;
      const f = owner.fields.find((z) => z.id === y.name)!;
      const fields = [...prefix, f, ...(y.pathFields ?? [])];
      for (const m of fields) {
        // Read from the element as it is (no check that a conditional field is there).
        if (m.cond || m.repeat) fail(`repeat-until: '${shown}': ${m.id} is repeated or conditional (not supported)`);
        m.lengthOf = undefined;
      }
      return { k: 'item', path: fields.map((m) => m.id), pathFields: fields };
    });
    replaceNode(x, rebased);
  };
  deferred.push(rebase);
}

/**
 * Checks an expression's names against the type and resolves them: fields (and fields inside
 * them), enum members, parse instances (in instances only); a value instance is replaced by its
 * expression, so sizes and counts computed through one still encode.
 */
export function resolveRefs(t: TypeDef, e: Expr, scope: Scope, where: string, fail: (problem: string) => never): Expr {
  const out = resolveNames(t, e, scope, where, fail);
  // Types are known once every dotted name is resolved.
  finalChecks.push(() => {
    try {
      typeOf(out);
    } catch (err) {
      if (err instanceof ExprError) fail(`expression: ${err.message}`);
      throw err;
    }
  });
  return out;
}

function resolveNames(t: TypeDef, e: Expr, scope: Scope, where: string, fail: (problem: string) => never): Expr {
  return mapExpr(e, (x) => {
    // In an instance, `_io.pos` and `_io.eof` are read when the instance is first used (as Kaitai).
    if (x.k === 'io') return x;
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
    if (x.k === 'sizeof') return sizeofField(t, x, fail, where);
    if (x.k !== 'ref') return undefined;
    if (x.building) return x;
    if (x.up) {
      const isRoot = t === t.spec.root;
      if ('parents' in x.up && isRoot) return fail(`'${showUp(x)}' in the root type, which has no parent (when read from another spec, Kaitai gives it none either)`);
      if ('root' in x.up && isRoot) {
        // The root's own field (Kaitai: the root of a decode started at this type is itself).
        rootReadsItself.add(t);
        const { up: _, ...plain } = x;
        return resolveRefs(t, plain, scope, where, fail);
      }
      if ('root' in x.up && lazyRoot > 0) {
        // Read when the instance is first used, after the decode: from the decoded root value.
        // The root's fields are known once every type is defined.
        const { up: _, ...plain } = x;
        const lazy: Extract<Expr, { k: 'ref' }> = { ...plain, fromRoot: t.spec.root };
        deferred.push(() => {
          const inRoot = resolveRefs(t.spec.root, plain, 'instance', where, fail);
          // Its path is resolved by a step queued just now: copied after it.
          deferred.push(() => {
            // A parse instance of the root (`_root.body.items[i]`) is read from the decoded root then too, as Kaitai reads it.
            const parsed = inRoot.k === 'ref' && inRoot.instance?.field && !inRoot.instance.field.cond ? inRoot.instance.field : undefined;
            if (inRoot.k !== 'ref' || inRoot.param || (inRoot.instance && !parsed) || (inRoot.pathFields ?? []).slice(0, -1).some((m) => m.repeat) || (parsed?.repeat && inRoot.pathFields?.length)) {
              // Not a field path of the root (a value instance, ...): passed down from the root as before.
              const p = upParam(t, x as typeof x & { up: Up }, fail, scope === 'seq');
              replaceNode(lazy, { k: 'ref', name: p.id, param: true, paramDef: p });
              return;
            }
            const r = inRoot as Extract<Expr, { k: 'ref' }>;
            if (r.pathFields) lazy.pathFields = r.pathFields;
            if (r.field) lazy.field = r.field;
            if (parsed) lazy.field = parsed;
          });
        });
        return lazy;
      }
      const p = upParam(t, x as typeof x & { up: Up }, fail, scope === 'seq');
      return { k: 'ref', name: p.id, param: true, paramDef: p };
    }
    const shown = [x.name, ...(x.path ?? [])].join('.');
    const param = t.params.find((p) => p.id === x.name);
    if (param && !t.fields.some((y) => y.id === x.name)) {
      const plain: Expr = { k: 'ref', name: x.name, param: true, paramDef: param };
      // A param holding an object: a path reaches its fields (and value instances), as for a field.
      if (x.path && param.kind === 'value' && (param.vt === undefined || param.vt.t === 'user')) return throughParam(t, x, param, shown, where, fail);
      // Any other param: what follows is a method (`len.to_s`).
      return x.path ? resolveRefs(t, attrChain(plain, x.path), scope, where, fail) : plain;
    }
    let f = t.fields.find((y) => y.id === x.name);
    if (!f && scope === 'seq' && building?.id === x.name && !t.fields.some((y) => y.id === x.name)) {
      // The array being read: its elements so far (`groups[_index - 1].value`, `parts.size`).
      const node: Extract<Expr, { k: 'ref' }> = { k: 'ref', name: x.name, building: true };
      building.refs.push(node);
      return x.path ? resolveRefs(t, attrChain(node, x.path), scope, where, fail) : node;
    }
    if (!f) {
      const entry = instanceEntry(t, x.name);
      if (!entry) return fail(`expression refers to '${x.name}', which is not ${scope === 'seq' ? 'an earlier field' : 'a field or instance'} of ${t.name}`);
      if (entry.node['value'] !== undefined) {
        if (entry.inlining) return fail(`value instance '${x.name}' refers to itself`);
        entry.inlining = true;
        let inlined: Expr;
        try {
          inlined = guarded(entry, resolveRefs(t, parseValue(entry, fail), scope, where, fail), (c) => resolveRefs(t, c, scope, where, fail), fail);
        } finally {
          entry.inlining = false;
        }
        // `v.size` of a value instance `v`: a method (or field) of its value.
        if (!readsStreamPosition(inlined)) return x.path ? resolveRefs(t, attrChain(inlined, x.path), scope, where, fail) : inlined;
        // Kaitai computes it once, when first used (`_io.pos` then): kept, not inlined.
        const inst = entry.define();
        if (scope === 'seq') seqReadsInstances.add(t);
        const { path: _, ...kept } = x;
        // `v.a` of a kept value instance `v`: a method (or field) of its value.
        return x.path ? resolveRefs(t, attrChain({ ...kept, instance: inst }, x.path), scope, where, fail) : { ...kept, instance: inst };
      }
      const inst = entry.define();
      if (scope === 'seq') {
        // Read while the seq is read (Kaitai reads it then and keeps it): only from a position
        // that does not depend on where the stream is.
        if (inst.pos === undefined || readsStreamPosition(inst.pos) || (inst.field?.cond && readsStreamPosition(inst.field.cond)))
          return fail(`expression refers to '${x.name}', a parse instance ${inst.pos === undefined ? 'without pos' : 'whose pos or if reads _io.pos or _io.eof'} (a seq field may depend on a parse instance read at a fixed position)`);
        seqReadsInstances.add(t);
      }
      x.instance = inst;
      f = inst.field!;
    }
    const head = f;
    // `.to_i` of an integer (or enum) field is the integer itself.
    if (x.path?.length === 1 && x.path[0] === 'to_i' && (f.type.t === 'int' || (f.type.t === 'bits' && !f.type.bool)) && !f.repeat) {
      const { path: _, ...plain } = x;
      return { ...plain, field: head };
    }
    if (!x.path) return { ...x, field: head };
    // A value that is not a single user-type object: what follows are its methods (`name.length`).
    if (f.type.t !== 'user' || f.repeat) {
      const { path: _, ...plain } = x;
      return resolveRefs(t, attrChain({ ...plain, field: head }, x.path), scope, where, fail);
    }
    const owner0 = f.type.type;
    const path = x.path;
    // A copy: a path that ends at a value instance is replaced by that instance's expression below.
    const out: Extract<Expr, { k: 'ref' }> = { ...x, field: head };
    // Resolved once every type has its fields (the type may be declared later in the spec).
    deferred.push(() => {
      let owner = owner0;
      const fields: Field[] = [];
      for (const [i, id] of path.entries()) {
        const last = i === path.length - 1;
        const m = owner.fields.find((y) => y.id === id);
        const entry = m ? undefined : instanceEntry(owner, id);
        if (!m && last && entry?.node['value'] !== undefined) return inlineInstance(out, owner, entry, fields, shown, where, fail);
        if (!m && entry) {
          // A parse instance of the object: read through the object (decode only).
          const inst = entry.define();
          if (!inst.field) return fail(`expression '${shown}': ${owner.name}.${id} is a value instance used through another name (not supported)`);
          const obj: Expr = fields.length ? { k: 'ref', name: out.name, path: path.slice(0, i), pathFields: [...fields], field: head } : { k: 'ref', name: out.name, field: head };
          const chain = attrChain(obj, path.slice(i));
          replaceNode(out, chain);
          return;
        }
        // A param of the object (`header.len_header`): the value this type passed to it.
        const param = !m && i === 0 ? declaredParams(owner).findIndex((q) => q.id === id) : -1;
        if (param >= 0 && head.type.t === 'user' && head.type.args?.[param]) {
          replaceNode(out, attrChain({ ...head.type.args[param]! }, path.slice(1)));
          return;
        }
        if (!m) {
          if (!fields.length) return fail(`expression '${shown}': ${owner.name} has no field '${id}'`);
          // Not a field: a method of the value read so far (`header.name.length`).
          replaceNode(out, attrChain({ k: 'ref', name: out.name, path: path.slice(0, i), pathFields: [...fields], field: head }, path.slice(i)));
          return;
        }
        // Read from outside its type, the field is part of the value, not a computed length.
        m.lengthOf = undefined;
        fields.push(m);
        if (!last && (m.type.t !== 'user' || m.repeat)) {
          replaceNode(out, attrChain({ k: 'ref', name: out.name, path: path.slice(0, i + 1), pathFields: [...fields], field: head }, path.slice(i + 1)));
          return;
        }
        if (!last && m.type.t === 'user') owner = m.type.type;
      }
      out.pathFields = fields;
    });
    return out;
  });
}

/**
 * A value instance's value where an expression uses it: with an `if`, `if ? value : none` (Kaitai
 * computes it only when the condition holds; otherwise it has no value).
 */
function guarded(entry: InstanceEntry, value: Expr, resolve: (e: Expr) => Expr, fail: (problem: string) => never): Expr {
  const cond = entry.node['if'];
  if (cond === undefined) return value;
  let c: Expr;
  try {
    c = parseExpr(cond);
  } catch (e) {
    if (e instanceof ExprError) return fail(`if of value instance: ${e.message}`);
    throw e;
  }
  return { k: 'cond', c: resolve(c), a: value, b: { k: 'none' } };
}

/**
 * `header.a.b` where `header` is a param holding a user-type object: the fields the path names,
 * resolved once every type has its fields (the param's type is known by then), as for a field.
 */
function throughParam(t: TypeDef, x: Extract<Expr, { k: 'ref' }>, param: Param, shown: string, where: string, fail: (problem: string) => never): Expr {
  const path = x.path!;
  const out: Extract<Expr, { k: 'ref' }> = { k: 'ref', name: x.name, path, param: true, paramDef: param };
  deferred.push(() => {
    let owner = (param.vt as { type: TypeDef }).type;
    const fields: Field[] = [];
    for (const [i, id] of path.entries()) {
      const last = i === path.length - 1;
      const m = owner.fields.find((y) => y.id === id);
      const entry = m ? undefined : instanceEntry(owner, id);
      if (!m && last && entry?.node['value'] !== undefined) return inlineInstance(out, owner, entry, fields, shown, where, fail);
      if (!m) {
        if (!fields.length) return fail(`expression '${shown}': ${owner.name} has no field '${id}'`);
        replaceNode(out, attrChain({ k: 'ref', name: out.name, path: path.slice(0, i), pathFields: [...fields], param: true, paramDef: param }, path.slice(i)));
        return;
      }
      m.lengthOf = undefined;
      fields.push(m);
      if (!last && (m.type.t !== 'user' || m.repeat)) {
        replaceNode(out, attrChain({ k: 'ref', name: out.name, path: path.slice(0, i + 1), pathFields: [...fields], param: true, paramDef: param }, path.slice(i + 1)));
        return;
      }
      if (!last && m.type.t === 'user') owner = m.type.type;
    }
    out.pathFields = fields;
  });
  void t;
  return out;
}

/** `obj.a.b` as method (or element field) accesses on `obj`. */
function attrChain(obj: Expr, names: string[]): Expr {
  return names.reduce<Expr>((o, name) => ({ k: 'attr', obj: o, name }), obj);
}

/** Replaces a node of an expression tree in place (a deferred step found what it really is). */
function replaceNode(node: Expr, by: Expr): void {
  for (const k of Object.keys(node)) delete (node as Record<string, unknown>)[k];
  Object.assign(node, by);
}

/**
 * `header.len_body` where `len_body` is a value instance of header's type: replaced (in place) by
 * the instance's expression with each of its names reached through `header`, so that sizes and
 * conditions computed through it still encode (values built for encode have no instances).
 */
function inlineInstance(
  out: Extract<Expr, { k: 'ref' }>,
  owner: TypeDef,
  entry: InstanceEntry,
  prefix: Field[],
  shown: string,
  where: string,
  fail: (problem: string) => never,
): void {
  if (entry.inlining) return fail(`expression '${shown}': the value instance refers to itself`);
  entry.inlining = true;
  let inner: Expr;
  try {
    const resolve = (e: Expr): Expr => resolveRefs(owner, e, 'instance', where, fail);
    inner = guarded(entry, resolve(parseValue(entry, fail)), resolve, fail);
  } finally {
    entry.inlining = false;
  }
  // A param of the object the path starts at (`header.is_core`, reading header's `len_header`): the
  // value this type passed to it.
  const head = !out.param && prefix.length === 0 && out.field?.type.t === 'user' && !out.field.repeat ? out.field.type.args : undefined;
  const argOf = (y: Expr): Expr | undefined => {
    if (y.k !== 'ref' || !y.param || y.path || !head) return undefined;
    const i = declaredParams(owner).findIndex((q) => q.id === y.name);
    return i >= 0 ? head[i] : undefined;
  };
  walkExpr(inner, (y) => {
    if (argOf(y)) return;
    if (y.k === 'io' || (y.k === 'ref' && (y.param || y.instance))) fail(`expression '${shown}': the value instance reads ${y.k === 'io' ? '_io' : `'${y.name}' (a ${y.param ? 'param' : 'parse instance'})`} of ${owner.name} (not supported from outside it)`);
  });
  // After the instance's own dotted names are resolved (they were queued just now; one that is
  // itself a value instance of another type is inlined by a later step: wait for it).
  const rebase = (): void => {
    let pending = false;
    walkExpr(inner, (y) => {
      if (y.k === 'ref' && y.path && !y.pathFields) pending = true;
    });
    if (pending) {
      deferred.push(rebase);
      return;
    }
    const rebased = mapExpr(inner, (y) => {
      if (y.k !== 'ref') return undefined;
      const arg = argOf(y);
      if (arg) return arg;
      const f = owner.fields.find((z) => z.id === y.name)!;
      const fields = [...prefix, f, ...(y.pathFields ?? [])];
      // Read from outside its type, each field is part of the value, not a computed length. A
      // conditional one is read as an absent field reads (emitters check it is there).
      for (const m of fields) m.lengthOf = undefined;
      // Through a param (`header.len_body`), the names start at the param's value.
      if (out.param) return { k: 'ref', name: out.name, path: fields.map((m) => m.id), pathFields: fields, param: true, paramDef: out.paramDef! };
      return { k: 'ref', name: out.name, path: fields.map((m) => m.id), pathFields: fields, field: fields[0]! };
    });
    replaceNode(out, rebased);
  };
  deferred.push(rebase);
}

/** `sizeof<type>`: an integer (`u4`, `f8be`) or a user type of fixed size; filled in once every type is loaded. */
function sizeofType(t: TypeDef, name: string, fail: (problem: string) => never): Expr {
  const lit: { k: 'int'; value: number } = { k: 'int', value: Number.NaN };
  const prim = /^(?:[us]([1248])|f([48]))(?:le|be)?$/.exec(name);
  if (prim) return { k: 'int', value: Number(prim[1] ?? prim[2]) };
  deferred.push(() => {
    const target = findType(t, name) ?? fail(`expression 'sizeof<${name}>': no type '${name}' here`);
    computeSizes(target);
    if (target.fixedSize === undefined) return fail(`expression 'sizeof<${name}>': ${target.name} has no fixed size (sizeof of a fixed-size type is supported)`);
    lit.value = target.fixedSize;
  });
  return lit;
}

/**
 * `field._sizeof`: Kaitai knows it when compiling (the field's size is fixed), so it becomes an
 * integer literal. A user type's size is known once every type is loaded: until then the literal is
 * NaN (not a constant for `constValue`), filled in by a deferred step.
 */
function sizeofField(t: TypeDef, x: Extract<Expr, { k: 'sizeof' }>, fail: (problem: string) => never, where = ''): Expr {
  if (x.ofType) return sizeofType(t, x.name, fail);
  const shown = [...(x.root ? ['_root'] : []), x.name, ...x.path, '_sizeof'].join('.');
  const lit: { k: 'int'; value: number } = { k: 'int', value: Number.NaN };
  const owner = x.root ? t.spec.root : t;
  if (x.root) rootSizeofUsers.set(t, where);
  // Looked up once every type has its fields: the root's are defined after its nested types', and a
  // field's size may be asked before the field (`size: len - terminator._sizeof`). A parse
  // instance's size is its field's.
  const lookup = (): Field =>
    owner.fields.find((y) => y.id === x.name) ??
    owner.instances.find((i) => i.id === x.name)?.field ??
    fail(`expression '${shown}': '${x.name}' is not a field or parse instance of ${owner.name} (_sizeof of a field is supported)`);
  deferred.push(() => {
    let f = lookup();
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
