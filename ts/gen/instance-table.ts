// Each type's instances as the spec writes them, looked up by name from expressions. They are
// defined on first use (instances may refer to each other in any order): `define` is set by
// instances.ts when the type's instances are registered.
import { ExprError, parseExpr, walkExpr, type Expr } from './expr.js';
import type { Instance, TypeDef } from './model.js';
import type { Yaml } from './spec-yaml.js';

export interface InstanceEntry {
  node: Yaml;
  at: string;
  inst: Instance | undefined;
  defining: boolean;
  inlining: boolean;
  raw: Expr | undefined;
  /** Defines the instance (once) and returns it. */
  define: () => Instance;
}

const instanceNodes = new WeakMap<TypeDef, Map<string, InstanceEntry>>();

export function setInstanceEntries(t: TypeDef, entries: Map<string, InstanceEntry>): void {
  instanceNodes.set(t, entries);
}

export function instanceEntries(t: TypeDef): Map<string, InstanceEntry> | undefined {
  return instanceNodes.get(t);
}

export function instanceEntry(t: TypeDef, id: string): InstanceEntry | undefined {
  return instanceNodes.get(t)?.get(id);
}

/** A value instance's expression, parsed once. */
export function parseValue(entry: InstanceEntry, fail: (problem: string) => never): Expr {
  if (entry.raw === undefined) {
    try {
      entry.raw = parseExpr(entry.node['value']);
      walkExpr(entry.raw, (x) => {
        if (x.k === 'index' || x.k === 'item') fail(`value: '${x.k === 'index' ? '_index' : '_'}' is not supported in an instance`);
      });
    } catch (e) {
      if (e instanceof ExprError) return fail(`value: ${e.message}`);
      throw e;
    }
  }
  return entry.raw;
}
