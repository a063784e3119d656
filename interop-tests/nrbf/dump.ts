// The JSON dump of a decoded NRBF graph, in the form the .NET test program writes from its live
// objects (dotnet/Twinmap.NrbfApp/Dump.cs): the two must be equal for the same payload.
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
  type NrbfMemberType,
  type NrbfPrimitiveType,
  type NrbfValue,
} from '../../ts/nrbf/index.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const strip = (name: string): string => (name.includes('[') ? name.slice(0, name.indexOf('[')) : name);
const KINDS = { Unspecified: 0, Utc: 1, Local: 2 } as const;

function bits(v: number, single: boolean): string {
  if (Number.isNaN(v)) return single ? 'f:NaN' : 'd:NaN';
  const dv = new DataView(new ArrayBuffer(8));
  if (single) {
    dv.setFloat32(0, v);
    return `f:${dv.getUint32(0).toString(16).padStart(8, '0')}`;
  }
  dv.setFloat64(0, v);
  return `d:${dv.getBigUint64(0).toString(16).padStart(16, '0')}`;
}

function scalar(v: NrbfValue, type: NrbfPrimitiveType | undefined): Json {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return `l:${v}`;
  if (typeof v === 'number') return type === 'Single' ? bits(v, true) : type === 'Double' ? bits(v, false) : v;
  if (typeof v === 'string') return type === 'Char' ? `c:${v.charCodeAt(0).toString(16).padStart(4, '0')}` : `s:${v}`;
  if (v instanceof NrbfDecimal) return `m:${v.text}`;
  if (v instanceof NrbfDateTime) return `t:${v.ticks}:${KINDS[v.kind]}`;
  if (v instanceof NrbfTimeSpan) return `ts:${v.ticks}`;
  throw new Error(`not a scalar: ${String(v)}`);
}

function tracked(v: NrbfValue): v is NrbfObject | NrbfArray {
  return (v instanceof NrbfObject && !(v instanceof NrbfGuid)) || v instanceof NrbfArray;
}

function elementTypeOf(a: NrbfValue | undefined): NrbfPrimitiveType | undefined {
  return a instanceof NrbfArray && a.elementType.kind === 'primitive' ? a.elementType.type : undefined;
}

function children(v: NrbfValue): NrbfValue[] {
  if (v instanceof NrbfList) return v.items;
  if (v instanceof NrbfSet) return [...v.items];
  if (v instanceof NrbfDictionary) return [...v.entries].flat();
  if (v instanceof NrbfGuid || v instanceof NrbfEnum || v instanceof NrbfBoxed) return [];
  if (v instanceof NrbfObject) return [...v.members.values()];
  if (v instanceof NrbfArray) return Array.from(v.items as ArrayLike<NrbfValue>);
  return [];
}

/** Dumps the graph; sortUnordered sorts Hashtable entries as the .NET side does when asked. */
export function dump(root: NrbfValue): Json {
  const seen = new Map<object, number>();
  const stack: NrbfValue[] = [root];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (tracked(v)) {
      const n = (seen.get(v) ?? 0) + 1;
      seen.set(v, n);
      if (n > 1) continue;
    }
    for (const c of children(v)) stack.push(c);
  }
  const ids = new Map<object, number>();
  let next = 0;

  const value = (v: NrbfValue, type: NrbfPrimitiveType | undefined, untyped = false): Json => {
    if (v === null) return null;
    if (v instanceof NrbfBoxed) return untyped ? scalar(v.value, v.type) : { $boxed: v.type, value: scalar(v.value, v.type) };
    if (typeof v !== 'object' || v instanceof NrbfDecimal || v instanceof NrbfDateTime || v instanceof NrbfTimeSpan) return scalar(v, type);
    if (v instanceof NrbfGuid) return `g:${v.text}`;
    if (v instanceof NrbfEnum) return { $enum: v.typeName, value: scalar(v.value, v.underlying) };
    if (ids.has(v)) return { $ref: ids.get(v)! };
    const node: { [k: string]: Json } = {};
    if ((seen.get(v) ?? 0) > 1) {
      ids.set(v, next);
      node['$id'] = next++;
    }
    if (v instanceof NrbfArray) {
      node['$array'] = v.lengths;
      if (v.lowerBounds !== undefined) node['lower'] = v.lowerBounds;
      const et = v.elementType.kind === 'primitive' ? v.elementType.type : undefined;
      node['items'] = Array.from(v.items as ArrayLike<NrbfValue>, (x) => value(x, et));
      return node;
    }
    if (v instanceof NrbfList) {
      node['$list'] = strip(v.typeName);
      const et = elementTypeOf(v.members.get('_items'));
      node['items'] = v.items.map((x) => value(x, et));
      return node;
    }
    if (v instanceof NrbfSet) {
      node['$set'] = strip(v.typeName);
      const et = elementTypeOf(v.members.get('Elements'));
      node['items'] = [...v.items].map((x) => value(x, et));
      return node;
    }
    if (v instanceof NrbfDictionary) {
      node['$map'] = strip(v.typeName);
      // Dictionary<K,V>: the pair struct's member types say how to print keys and values
      const pairs = v.members.get('KeyValuePairs');
      const pair = pairs instanceof NrbfArray ? (pairs.items as NrbfValue[]).find((p) => p instanceof NrbfObject) : undefined;
      const t = (k: string): NrbfPrimitiveType | undefined => {
        const mt: NrbfMemberType | undefined = pair instanceof NrbfObject ? pair.memberTypes?.get(k) : undefined;
        return mt?.kind === 'primitive' ? mt.type : undefined;
      };
      node['entries'] = [...v.entries].map(([k, x]) => [value(k, t('key')), value(x, t('value'))]);
      return node;
    }
    node['$type'] = strip(v.typeName);
    const members: { [k: string]: Json } = {};
    for (const [name, x] of v.members) {
      const mt = v.memberTypes?.get(name);
      members[name] = value(x, mt?.kind === 'primitive' ? mt.type : undefined, v.memberTypes === undefined);
    }
    node['members'] = members;
    return node;
  };
  return value(root, undefined);
}
