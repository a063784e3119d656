// toPlain: the decoded graph as ordinary JS values, for the common case of just reading the data.
// Shared and cyclic references stay shared (the same JS object). Walks with its own stack, so a
// deep graph (a long linked list) cannot overflow the call stack.
import {
  NrbfArray,
  NrbfBoxed,
  NrbfDateTime,
  NrbfDecimal,
  NrbfDictionary,
  NrbfEnum,
  NrbfGuid,
  NrbfList,
  NrbfObject,
  NrbfSet,
  NrbfTimeSpan,
  type NrbfValue,
} from './model.js';

/** `<Name>k__BackingField` (an auto-property's field) -> `Name`. */
export function plainMemberName(name: string): string {
  const m = /^<(.+)>k__BackingField$/.exec(name);
  return m === null ? name : m[1]!;
}

type Container = Record<string, unknown> | unknown[] | Map<unknown, unknown> | Set<unknown>;

/**
 * Ordinary JS values: classes become plain objects (auto-property fields by their property name),
 * List/ArrayList and arrays become arrays (numeric arrays stay typed arrays; rectangular ones
 * become nested arrays), Dictionary/Hashtable a Map, HashSet a Set, Int64/UInt64 a bigint,
 * DateTime a Date, TimeSpan milliseconds, Decimal its exact text, Guid its text, an enum its number.
 */
export function toPlain(value: NrbfValue): unknown {
  const made = new Map<object, Container>();
  const work: Array<() => void> = [];

  const convert = (v: NrbfValue): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof NrbfBoxed) return convert(v.value);
    if (v instanceof NrbfDecimal) return v.text;
    if (v instanceof NrbfDateTime) return v.toDate();
    if (v instanceof NrbfTimeSpan) return Number(v.ticks) / 10000;
    if (v instanceof NrbfEnum) return v.value;
    if (v instanceof NrbfGuid) return v.text;
    const done = made.get(v);
    if (done !== undefined) return done;
    if (v instanceof NrbfList) {
      const out: unknown[] = [];
      made.set(v, out);
      work.push(() => v.items.forEach((x) => out.push(convert(x))));
      return out;
    }
    if (v instanceof NrbfSet) {
      const out = new Set<unknown>();
      made.set(v, out);
      work.push(() => v.items.forEach((x) => out.add(convert(x))));
      return out;
    }
    if (v instanceof NrbfDictionary) {
      const out = new Map<unknown, unknown>();
      made.set(v, out);
      work.push(() => v.entries.forEach((x, k) => out.set(convert(k), convert(x))));
      return out;
    }
    if (v instanceof NrbfObject) {
      const out: Record<string, unknown> = {};
      made.set(v, out);
      work.push(() => v.members.forEach((x, k) => (out[plainMemberName(k)] = convert(x))));
      return out;
    }
    return array(v);
  };

  const array = (a: NrbfArray): unknown => {
    const items = a.items;
    if (a.rank === 1) {
      if (!Array.isArray(items)) {
        // a typed array: a copy, so the plain view does not share memory with the graph
        const copy = items.slice();
        made.set(a, copy as unknown as Container);
        return copy;
      }
      const out: unknown[] = [];
      made.set(a, out);
      work.push(() => (items as NrbfValue[]).forEach((x) => out.push(convert(x))));
      return out;
    }
    // rectangular: nested arrays, row-major
    const top: unknown[] = [];
    made.set(a, top);
    work.push(() => {
      const flat = Array.from(items as ArrayLike<NrbfValue>);
      let i = 0;
      const fill = (dim: number): unknown[] => {
        const out: unknown[] = [];
        for (let k = 0; k < a.lengths[dim]!; k++) out.push(dim === a.rank - 1 ? convert(flat[i++]!) : fill(dim + 1));
        return out;
      };
      for (const row of fill(0)) top.push(row);
    });
    return top;
  };

  const root = convert(value);
  while (work.length > 0) work.pop()!();
  return root;
}
