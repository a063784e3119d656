// `_root` (and `_parent`) in expressions: the objects a type is read inside. Kaitai gives a
// spec's types the root of their own spec; a spec read from another one (an import) is its own
// root there. Generated code keeps the root's stream in the reader, which only holds while the
// decode started in the same spec: a spec that another one imports may not use `_root` yet.
import { walkExpr } from './expr.js';
import type { SpecFile, TypeDef } from './model.js';
import { typeExprs, walkTypes } from './sizes.js';
import { SpecError } from './spec-yaml.js';

/** Where a type uses `_root` (an instance read from `_root._io`, or `_root._io.size`), if it does. */
export function rootUse(t: TypeDef): string | undefined {
  const inst = t.instances.find((i) => i.io === 'root');
  if (inst) return `${t.specPath}/instances/${inst.id}`;
  let found = false;
  for (const e of typeExprs(t)) walkExpr(e, (x) => { if (x.k === 'io' && x.root) found = true; });
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
