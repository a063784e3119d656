// Human- and machine-readable views of a decoded graph (what `twinmap nrbf` prints).
// The JSON view is flat, every object once in a table by id, so any graph (a cycle, a list
// 100,000 long) prints without deep nesting.
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
  SYSTEM_LIBRARY,
  type NrbfValue,
} from './model.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function scalarJson(v: NrbfValue): Json | undefined {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof NrbfBoxed) return scalarJson(v.value);
  if (v instanceof NrbfDecimal) return v.text;
  if (v instanceof NrbfDateTime) return { $dateTime: v.ticks >= 0n && v.ticks <= 3155378975999999999n ? v.toDate().toISOString() : null, kind: v.kind, ticks: v.ticks.toString() };
  if (v instanceof NrbfTimeSpan) return { $timeSpan: v.ticks.toString() };
  if (v instanceof NrbfGuid) return v.text;
  if (v instanceof NrbfEnum) return { $enum: v.typeName, value: scalarJson(v.value)! };
  return undefined;
}

/**
 * `{ root, objects }`: every class instance, array and collection is an entry of `objects` under
 * its number, and appears elsewhere as `{"$ref": n}`. Classes are `{"$type", "$assembly", members...}`,
 * lists and sets `{"$type", "items"}`, dictionaries `{"$type", "entries": [[key, value]...]}`,
 * arrays `{"$array": [lengths], "items"}`. 64-bit integers and decimals are strings.
 */
export function nrbfToJson(root: NrbfValue): { root: Json; objects: Record<string, Json> } {
  const ids = new Map<object, number>();
  const objects: Record<string, Json> = {};
  const pending: Array<NrbfObject | NrbfArray> = [];
  const ref = (v: NrbfValue): Json => {
    const s = scalarJson(v);
    if (s !== undefined) return s;
    const o = v as NrbfObject | NrbfArray;
    let id = ids.get(o);
    if (id === undefined) {
      id = ids.size + 1;
      ids.set(o, id);
      pending.push(o);
    }
    return { $ref: id };
  };
  const top = ref(root);
  while (pending.length > 0) {
    const o = pending.shift()!;
    const id = ids.get(o)!;
    if (o instanceof NrbfArray) {
      objects[id] = { $array: o.lengths, ...(o.lowerBounds !== undefined && { lower: o.lowerBounds }), items: Array.from(o.items as ArrayLike<NrbfValue>, ref) };
      continue;
    }
    const head: { [k: string]: Json } = { $type: o.typeName };
    if (o.libraryName !== SYSTEM_LIBRARY) head['$assembly'] = o.libraryName;
    if (o instanceof NrbfList) head['items'] = o.items.map(ref);
    else if (o instanceof NrbfSet) head['items'] = [...o.items].map(ref);
    else if (o instanceof NrbfDictionary) head['entries'] = [...o.entries].map(([k, v]) => [ref(k), ref(v)]);
    else for (const [k, v] of o.members) head[k] = ref(v);
    objects[id] = head;
  }
  return { root: top, objects };
}

const MAX_TEXT_DEPTH = 48;

function scalarText(v: NrbfValue): string | undefined {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'bigint') return `${v}`;
  if (v instanceof NrbfBoxed) return `(${v.type}) ${scalarText(v.value)!}`;
  if (v instanceof NrbfDecimal) return `${v.text}m`;
  if (v instanceof NrbfDateTime) return `DateTime ${v.ticks >= 0n && v.ticks <= 3155378975999999999n ? v.toDate().toISOString() : '?'} (${v.kind}, ${v.ticks} ticks)`;
  if (v instanceof NrbfTimeSpan) return `TimeSpan ${v.ticks} ticks`;
  if (v instanceof NrbfGuid) return `Guid ${v.text}`;
  if (v instanceof NrbfEnum) return `${v.typeName} = ${v.value}`;
  return undefined;
}

/** An indented tree; an object met again prints as `-> #n`; deeper than 48 levels is cut. */
export function nrbfToText(root: NrbfValue): string {
  const lines: string[] = [];
  const ids = new Map<object, number>();
  const walk = (label: string, v: NrbfValue, depth: number): void => {
    const pad = '  '.repeat(depth);
    const s = scalarText(v);
    if (s !== undefined) {
      lines.push(`${pad}${label}${s}`);
      return;
    }
    const o = v as NrbfObject | NrbfArray;
    const seen = ids.get(o);
    if (seen !== undefined) {
      lines.push(`${pad}${label}-> #${seen}`);
      return;
    }
    const id = ids.size + 1;
    ids.set(o, id);
    if (depth >= MAX_TEXT_DEPTH) {
      lines.push(`${pad}${label}#${id} ... (deeper than ${MAX_TEXT_DEPTH} levels; use --json)`);
      return;
    }
    if (o instanceof NrbfArray) {
      const et = o.elementType;
      const name = et.kind === 'primitive' ? et.type : 'typeName' in et ? et.typeName : et.kind;
      lines.push(`${pad}${label}#${id} ${name}[${o.lengths.join(',')}]${o.shape === 'jagged' ? ' (jagged)' : ''}`);
      Array.from(o.items as ArrayLike<NrbfValue>).forEach((x, i) => walk(`[${i}]: `, x, depth + 1));
      return;
    }
    const lib = o.libraryName === SYSTEM_LIBRARY ? '' : ` (${o.libraryName})`;
    if (o instanceof NrbfList || o instanceof NrbfSet) {
      const items = o instanceof NrbfList ? o.items : [...o.items];
      lines.push(`${pad}${label}#${id} ${o.typeName}${lib}, ${items.length} items`);
      items.forEach((x, i) => walk(`[${i}]: `, x, depth + 1));
      return;
    }
    if (o instanceof NrbfDictionary) {
      lines.push(`${pad}${label}#${id} ${o.typeName}${lib}, ${o.entries.size} entries`);
      for (const [k, x] of o.entries) {
        walk('key: ', k, depth + 1);
        walk('value: ', x, depth + 2);
      }
      return;
    }
    lines.push(`${pad}${label}#${id} ${o.typeName}${lib}`);
    for (const [k, x] of o.members) walk(`${k}: `, x, depth + 1);
  };
  walk('', root, 0);
  return lines.join('\n');
}
