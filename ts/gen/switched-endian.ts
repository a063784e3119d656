// Switchable byte order (`meta/endian: {switch-on: ..., cases: {0x4949: le, 0x4d4d: be}}`), as
// Kaitai has it: the type that declares it decides its byte order when its read starts (no case
// matching is a decode error), and the types inside it that inherit it are read with the order of
// the object they are read inside (Kaitai's `_is_le`, passed down as a boolean param here). Such
// types are decode-only.
import { ExprError, parseExpr, type Expr } from './expr.js';
import { IS_LE, caseTypes, type Field, type Param, type SpecFile, type TypeDef } from './model.js';
import { resolveRefs } from './refs.js';
import { walkTypes } from './sizes.js';
import { SpecError, type Yaml } from './spec-yaml.js';
import { typeCtx } from './type-tree.js';

/** Before a type's seq is defined: the switch value of the byte order it declares, in its terms (fields it reads first are not seen). */
export function defineEndianSwitch(t: TypeDef): void {
  const ctx = typeCtx.get(t)!;
  const sw = ctx.endianSwitch;
  if (!sw || (t.parent && typeCtx.get(t.parent)?.endianSwitch === sw)) return;
  const fail = (problem: string): never => {
    throw new SpecError(ctx.file, sw.at, problem);
  };
  const parse = (v: unknown, what: string): Expr => {
    try {
      return resolveRefs(t, parseExpr(v), 'seq', sw.at, fail);
    } catch (e) {
      if (e instanceof ExprError) return fail(`${what}: ${e.message}`);
      throw e;
    }
  };
  const on = parse(sw.on, 'switch-on');
  const cases = Object.entries(sw.cases as Yaml).map(([key, e]) => {
    const match = parse(/^-?\d+$/.test(key) ? Number(key) : key, `case '${key}'`);
    if (match.k !== 'int' && match.k !== 'enum' && match.k !== 'bool' && match.k !== 'str') fail(`case '${key}': only integer, enum, boolean and string literals are supported`);
    return { match, le: e === 'le' };
  });
  t.switchedEndian = { owner: { on, cases, specPath: sw.at } };
}

/**
 * After the other params are settled: each type that inherits a switchable byte order gets the
 * param `_is_le`, and every place that reads it passes its own. A type that inherits it must be
 * read inside a type that has it.
 */
export function passEndianArgs(specs: SpecFile[]): void {
  const all = specs.flatMap((s) => walkTypes(s.root));
  const params = new Map<TypeDef, Param>();
  for (const t of all) {
    if (!t.switchedEndian || t.switchedEndian.owner) continue;
    const p: Param = { id: IS_LE, kind: 'bool' };
    t.params.push(p);
    params.set(t, p);
  }
  for (const p of all) {
    const sites: Field[] = [...p.fields, ...p.instances.flatMap((i) => (i.field ? [i.field] : []))];
    for (const f of sites) {
      const uses = f.type.t === 'user' ? [f.type] : f.type.t === 'switch' ? caseTypes(f.type).flatMap((c) => (c.t === 'user' ? [c] : [])) : [];
      for (const ty of uses) {
        if (!params.has(ty.type)) continue;
        if (!p.switchedEndian) throw new SpecError(p.spec.path, `${f.specPath} (${p.name}.${f.id})`, `${ty.type.name} inherits a switchable endian, but ${p.name} (which reads it) has none (not supported)`);
        // The owner's own order is a local of its read (see the emitters), named as the param.
        const arg: Expr = { k: 'ref', name: IS_LE, param: true, paramDef: params.get(p) ?? { id: IS_LE, kind: 'bool' } };
        ty.args = [...(ty.args ?? []), arg];
      }
    }
  }
}
