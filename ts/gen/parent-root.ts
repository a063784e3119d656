// `_parent` and `_root` in expressions: the objects a type is read inside. Kaitai gives a spec's
// types the root of their own spec; a spec read from another one (an import) is its own root there
// and has no parent. A type naming `_parent.x` or `_root.x` gets a hidden param (up-params.ts); here
// each using type passes the value, in its own terms: `_parent.x` is its `x` (a field read before
// the using field, or an instance), `_root.x` is the root's `x`, passed down through every type in
// between. Generated code keeps the root's stream (`_root._io`) in the reader, which only holds
// while the decode started in the same spec: a spec that another one imports may not use it.
import { isBoolExpr, refsOf, walkExpr, type Expr } from './expr.js';
import { caseTypes, type Field, type SpecFile, type TypeDef } from './model.js';
import { deferred, resolveRefs, rootReadsItself, rootSizeofUsers, seqReadsInstances } from './refs.js';
import { aType, typeOf, type VType } from './expr-types.js';
import { typeExprs, walkTypes } from './sizes.js';
import { SpecError } from './spec-yaml.js';
import { forLazyArg, upParamsOf } from './up-params.js';

/** Hidden params whose kind (integer or boolean) a using type has fixed. */
const kindKnown = new WeakSet<object>();

/** Where a using type reads a type: its seq fields (seeing the fields before) and parse instances. */
function callSites(p: TypeDef): { f: Field; before: number | undefined }[] {
  return [...p.fields.map((f, i) => ({ f, before: i as number | undefined })), ...p.instances.flatMap((i) => (i.field ? [{ f: i.field, before: undefined }] : []))];
}

/**
 * Gives every use of a type with hidden params the values to pass, until nothing changes (a
 * using type may need to pass `_root.x` or `_parent._parent.x` on from its own user).
 */
export function passUpArgs(specs: SpecFile[]): void {
  const all = specs.flatMap((s) => walkTypes(s.root));
  // A value passed on from the using type's own hidden param waits until that param's kind is
  // known (from its own user), unless nothing else moves (a type read inside itself).
  let force = false;
  const paramCount = (): number => all.reduce((n, x) => n + x.params.length, 0);
  for (let changed = true; changed || !force; ) {
    if (!changed) force = true;
    changed = false;
    // Resolving a value may give a using type hidden params of its own: its users pass them next.
    const known = paramCount();
    for (const p of all)
      for (const { f, before } of callSites(p)) {
        const where = `${f.specPath} (${p.name}.${f.id})`;
        // A user-type field, or each user type a switch may read.
        const uses = f.type.t === 'user' ? [f.type] : f.type.t === 'switch' ? caseTypes(f.type).flatMap((c) => (c.t === 'user' ? [c] : [])) : [];
        for (const ty of uses) {
          const t = ty.type;
          if (t === t.spec.root && t.spec === p.spec && rootReadsItself.has(t))
            throw new SpecError(p.spec.path, where, `${t.name} reads _root as itself, so it cannot also be read inside ${p.name} (not supported)`);
          const hidden = upParamsOf(t);
          const args = ty.args ?? [];
          while (args.length < t.params.length) {
            const u = hidden.find((h) => h.param === t.params[args.length]);
            if (!u) break; // a declared param without its argument is refused where the field is defined
            const fail = (problem: string): never => {
              throw new SpecError(p.spec.path, where, `${t.name} uses ${u.shown}, passed from ${p.name}: ${problem}`);
            };
            const e: Expr = { k: 'ref', name: u.name, ...(u.path && { path: u.path }), ...('root' in u.up ? { up: u.up } : u.up.parents > 1 ? { up: { parents: u.up.parents - 1 } } : {}) };
            // A seq field sees the fields read before it; a parse instance sees all of them.
            const fields = p.fields;
            // Only instances use it (computed after the decode, as Kaitai does): it may also be a
            // field read after this one, passed lazily (a function computing it when first used).
            const lazyOk = !u.eager && !seqReadsInstances.has(t);
            const resolve = (): Expr => {
              if (before !== undefined) p.fields = fields.slice(0, before);
              try {
                return resolveRefs(p, e, before === undefined ? 'instance' : 'seq', where, fail);
              } finally {
                p.fields = fields;
              }
            };
            let arg: Expr;
            if (!lazyOk || before === undefined) arg = resolve();
            else {
              try {
                arg = forLazyArg(resolve);
              } catch (err) {
                if (!(err instanceof SpecError) || !/not an earlier field/.test(err.message)) throw err;
                arg = forLazyArg(() => resolveRefs(p, e, 'instance', where, fail));
                u.param.lazy = true;
              }
            }
            for (let d = deferred.shift(); d; d = deferred.shift()) d();
            if (!force && passesUnknownKind(p, arg)) break;
            // A parse instance cannot pass a value read through itself (Kaitai reads it later, lazily).
            const self = before === undefined ? p.instances.find((x) => x.field === f) : undefined;
            if (self) walkExpr(arg, (x) => {
              if (x.k === 'ref' && x.instance === self) fail(`it is read through ${p.name}.${self.id}, the instance that reads ${t.name} (a value not read yet; not supported)`);
            });
            let vt: VType | undefined;
            try {
              vt = typeOf(arg);
            } catch {
              vt = undefined;
            }
            if (vt?.t === 'user' && vt.type === undefined) fail('it is a switch value (one of several types; not passed in)');
            // An object, an array, bytes, a string or a float is passed in as it is (a value param).
            const kind = vt && vt.t !== 'int' && vt.t !== 'bool' ? 'value' : vt?.t === 'bool' || isBoolExpr(arg) || isBoolField(p, arg) ? 'bool' : 'int';
            const shownKind = (k: string, v: VType | undefined): string => (k === 'value' ? aType(v!) : k === 'bool' ? 'a boolean' : 'an integer');
            if (!kindKnown.has(u.param)) {
              u.param.kind = kind;
              if (kind === 'value') u.param.vt = vt!;
              kindKnown.add(u.param);
            } else if (u.param.kind !== kind || (kind === 'value' && shownKind(kind, vt) !== shownKind(kind, u.param.vt)))
              fail(`it is ${shownKind(kind, vt)} here, ${shownKind(u.param.kind, u.param.vt)} where ${t.name} is read elsewhere`);
            args.push(arg);
            // Passed on, the field is part of the value, not a length computed when writing.
            for (const r of refsOf(arg)) {
              const x = p.fields.find((y) => y.id === r);
              if (x) x.lengthOf = undefined;
            }
            changed = true;
          }
          if (args.length) ty.args = args;
        }
      }
    if (paramCount() !== known) changed = true;
  }
  // A value passed on from a lazy param of the using type is lazy too (it is not there yet either).
  for (let more = true; more; ) {
    more = false;
    for (const p of all)
      for (const { f } of callSites(p))
        for (const ty of f.type.t === 'user' ? [f.type] : f.type.t === 'switch' ? caseTypes(f.type).flatMap((c) => (c.t === 'user' ? [c] : [])) : [])
          (ty.args ?? []).forEach((a, i) => {
            const param = ty.type.params[i];
            if (!param || param.lazy || !upParamsOf(ty.type).some((h) => h.param === param)) return;
            let fromLazy = false;
            walkExpr(a, (x) => {
              if (x.k === 'ref' && x.param && x.paramDef?.lazy) fromLazy = true;
            });
            if (fromLazy) {
              param.lazy = true;
              more = true;
            }
          });
  }
  for (const t of all)
    for (const u of upParamsOf(t))
      if (u.param.lazy && u.eager)
        throw new SpecError(t.spec.path, t.specPath || '/', `${t.name} uses ${u.shown} while it is read, and a type reading ${t.name} reads it later (not supported)`);
}

/** True when `arg` reads a hidden param of `p` whose kind its own users have not fixed yet. */
function passesUnknownKind(p: TypeDef, arg: Expr): boolean {
  let found = false;
  walkExpr(arg, (x) => {
    if (x.k === 'ref' && x.param && x.paramDef && !kindKnown.has(x.paramDef) && upParamsOf(p).some((h) => h.param === x.paramDef)) found = true;
  });
  return found;
}

/** A `b1` field (or one inside a user-type field): a boolean. */
function isBoolField(p: TypeDef, e: Expr): boolean {
  if (e.k !== 'ref') return false;
  if (e.param) return p.params.find((x) => x.id === e.name)?.kind === 'bool';
  const last = e.pathFields?.[e.pathFields.length - 1] ?? p.fields.find((x) => x.id === e.name) ?? e.instance?.field;
  return last?.type.t === 'bits' && last.type.bool;
}

/**
 * `io: _parent._io` (`_parent._parent._io`, ...) is the object's stream that many levels up. Where
 * every type on the way is read from its parent's stream (no size, no `io:` of its own), that is
 * the type's own stream, which is how it is read; anything else is refused.
 */
export function checkParentStreams(specs: SpecFile[]): void {
  const all = specs.flatMap((s) => walkTypes(s.root));
  const reads = (f: Field, u: TypeDef): boolean =>
    (f.type.t === 'user' && f.type.type === u) || (f.type.t === 'switch' && caseTypes(f.type).some((c) => c.t === 'user' && c.type === u));
  for (const t of all)
    for (const i of t.instances) {
      if (!i.ioParents) continue;
      const shown = `io: '${Array.from({ length: i.ioParents }, () => '_parent.').join('')}_io'`;
      const fail = (problem: string): never => {
        throw new SpecError(t.spec.path, `${i.specPath} (${t.name}.${i.id})`, `${shown}: ${problem}`);
      };
      let level = new Set([t]);
      for (let n = 0; n < i.ioParents; n++) {
        const next = new Set<TypeDef>();
        for (const u of level) {
          const sites = all.flatMap((p) => callSites(p).filter(({ f }) => reads(f, u)).map(({ f }) => ({ p, f })));
          if (!sites.length) fail(u === u.spec.root ? `${u.name} is the root type, which has no parent` : `${u.name} is read by no type of the spec, so its parent is not known`);
          for (const { p, f } of sites) {
            const size = f.type.t === 'user' || f.type.t === 'switch' ? f.type.size : undefined;
            const viaInst = p.instances.find((x) => x.field === f);
            if (size || viaInst?.io || viaInst?.ioPath || viaInst?.ioParents)
              fail(`${u.name} is read from a stream of its own in ${p.name}.${f.id} (a parent's stream is supported where it is the type's own: each type on the way read without a size or io)`);
            next.add(p);
          }
        }
        level = next;
      }
    }
}

/** Where a type uses `_root` (an instance read from `_root._io`, or `_root._io.size`), if it does. */
export function rootUse(t: TypeDef): string | undefined {
  const inst = t.instances.find((i) => i.io === 'root' || i.ioPath?.fromRoot);
  if (inst) return `${t.specPath}/instances/${inst.id}`;
  if (rootSizeofUsers.has(t)) return t.specPath || '/';
  let found = false;
  for (const e of typeExprs(t)) walkExpr(e, (x) => { if ((x.k === 'io' && x.root) || (x.k === 'ref' && x.fromRoot)) found = true; });
  return found ? t.specPath || '/' : undefined;
}

/** Refuses an import whose types use `_root`, naming the import and where the spec uses it. */
export function checkRootInImports(specs: SpecFile[]): void {
  for (const s of specs)
    s.imports.forEach((imp, i) => {
      for (const t of walkTypes(imp.root)) {
        const at = rootUse(t);
        if (at !== undefined)
          throw new SpecError(s.path, `/meta/imports/${i}`, `'${imp.id}' uses _root (at ${at} in ${imp.path}): _root in a spec that another spec imports is not supported`);
      }
    });
}
