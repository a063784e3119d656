// `_parent.x` and `_root.x` inside a type become values the using type passes in: hidden params,
// added to the type as its expressions name them. Generated code then reads and writes them like
// declared params (in the user's terms), so a type whose sizes come from its parent keeps its
// encoder. The using types supply the arguments once every type is loaded (parent-root.ts).
import type { Expr, Up } from './expr.js';
import type { Param, TypeDef } from './model.js';

export interface UpParam {
  param: Param;
  up: Up;
  name: string;
  path: string[] | undefined;
  /** As the spec writes it (`_parent.len`), for messages and doc comments. */
  shown: string;
  /**
   * Needed while the type is read (its seq uses it), not only by its instances. A value only its
   * instances use may be one the using type reads after this type: passed lazily, as a function
   * computing it when an instance is first used, as Kaitai computes it then (`Param.lazy`).
   */
  eager: boolean;
}

// While the argument passed for a value only instances use is resolved: the using type's own
// hidden params it passes on are not needed while it is read either.
let lazyArgs = 0;
export function forLazyArg<T>(make: () => T): T {
  lazyArgs++;
  try {
    return make();
  } finally {
    lazyArgs--;
  }
}

const table = new WeakMap<TypeDef, UpParam[]>();

export function upParamsOf(t: TypeDef): UpParam[] {
  return table.get(t) ?? [];
}

export function showUp(x: Extract<Expr, { k: 'ref' }>): string {
  const head = !x.up ? [] : 'root' in x.up ? ['_root'] : Array.from({ length: x.up.parents }, () => '_parent');
  return [...head, x.name, ...(x.path ?? [])].join('.');
}

/** The hidden param of `t` that holds `x` (`_parent.a.b`, `_root.c`), added on first use. */
export function upParam(t: TypeDef, x: Extract<Expr, { k: 'ref' }> & { up: Up }, fail: (problem: string) => never, seq: boolean): Param {
  const shown = showUp(x);
  let list = table.get(t);
  if (!list) table.set(t, (list = []));
  const eager = seq && lazyArgs === 0;
  const known = list.find((u) => u.shown === shown);
  if (known) {
    if (eager) known.eager = true;
    return known.param;
  }
  const id = ('root' in x.up ? 'root' : x.up.parents === 1 ? 'parent' : `parent${x.up.parents}`) + '_' + [x.name, ...(x.path ?? [])].join('_');
  if (t.params.some((p) => p.id === id)) return fail(`'${shown}' would be passed in as '${id}', which is already a param of ${t.name}`);
  // The kind is known once a using type resolves the value (int until then).
  const param: Param = { id, kind: 'int' };
  t.params.push(param);
  list.push({ param, up: x.up, name: x.name, path: x.path, shown, eager });
  return param;
}

/** The params the spec declares (a using type passes them explicitly: `type: chunk(len)`). */
export function declaredParams(t: TypeDef): Param[] {
  const hidden = upParamsOf(t);
  return t.params.filter((p) => !hidden.some((u) => u.param === p));
}

/** The doc comment's note on a type with params: which values its users pass in. */
export function paramsNote(t: TypeDef): string {
  const hidden = upParamsOf(t);
  const declared = declaredParams(t).map((p) => p.id);
  const uses = hidden.map((u) => u.shown);
  const what = [...(declared.length ? [`params (${declared.join(', ')})`] : []), ...(uses.length ? [`${uses.join(', ')} from the types it is read inside`] : [])].join(' and ');
  return `Takes ${what}: read and written as part of the type that passes them, no codec of its own.`;
}
