// The types of Kaitai expressions, as Kaitai 0.11 infers them: integers, floats, booleans,
// strings, byte arrays, arrays of any of these, and user-type objects. Emitters pick operators by
// them (integer `/` floors, float `/` does not; `==` on byte arrays compares contents; `+` on
// strings concatenates) and name the types of value instances.
import { ExprError, constValue, mapExpr, type Expr } from './expr.js';
import { upParamsOf } from './up-params.js';
import { normalizeEncoding, type Field, type Instance, type Param, type TypeDef } from './model.js';
import { instanceEntry } from './instance-table.js';

export type VType =
  | { t: 'int' }
  | { t: 'float' }
  | { t: 'bool' }
  | { t: 'str' }
  | { t: 'bytes' }
  /** `elem`: the field whose elements these are (its integers may be 64-bit: bigints in TS). */
  | { t: 'array'; of: VType; elem?: Field }
  /** A user-type object; `type` undefined: one of several (a switch's cases). */
  | { t: 'user'; type: TypeDef | undefined };

/** Params that expressions read through an object of their type (`groups.last.multiplier`): decoded values keep them. */
export const paramsReadOutside = new WeakSet<Param>();

const INT: VType = { t: 'int' };
export const FLOAT: VType = { t: 'float' };
const BOOL: VType = { t: 'bool' };
export const STR: VType = { t: 'str' };
export const BYTES: VType = { t: 'bytes' };

/** The type of one element of a field (`elem`) or of the field's whole value. */
export function fieldVType(f: Field, elem = false): VType {
  const ty = f.type;
  let one: VType;
  switch (ty.t) {
    case 'int':
    case 'intSwitch':
      one = INT;
      break;
    case 'bits':
      one = ty.bool ? BOOL : INT;
      break;
    case 'float':
      one = FLOAT;
      break;
    case 'bytes':
    case 'contents':
      one = BYTES;
      break;
    case 'str':
      one = STR;
      break;
    case 'delimited':
      one = ty.encoding ? STR : BYTES;
      break;
    case 'user':
      one = { t: 'user', type: ty.type };
      break;
    case 'switch': {
      // One of several types (C# holds it as an object): not computed with.
      one = { t: 'user', type: undefined };
      break;
    }
  }
  return f.repeat && !elem ? { t: 'array', of: one, elem: f } : one;
}

/** `a string`, `an integer`, `an array of ...`. */
export function aType(v: VType): string {
  const s = showType(v);
  return `${/^[aeiou]/i.test(s) ? 'an' : 'a'} ${s}`;
}

export function showType(v: VType): string {
  return v.t === 'array' ? `array of ${showType(v.of)}s` : v.t === 'user' ? (v.type ? v.type.name : 'object') : v.t === 'str' ? 'string' : v.t === 'bytes' ? 'byte array' : v.t === 'int' ? 'integer' : v.t === 'bool' ? 'boolean' : v.t;
}

const isNum = (v: VType): boolean => v.t === 'int' || v.t === 'float';

/** An array literal is a byte array when every element is an integer literal of 0..255 (as in Kaitai). */
export function isByteLiteral(e: Extract<Expr, { k: 'arr' }>): boolean {
  return e.items.length > 0 && e.items.every((x) => x.k === 'int' && x.value >= 0 && x.value <= 255);
}

/**
 * `a[i].v` or `a.last.v` where `v` is a value instance of the element's type: replaced (in place) by
 * v's expression with each of its names read through the element (`a.last.type == tag::end`), so
 * that it computes on any value, decoded or built (built values have no instances). Undefined (and
 * `e` unchanged) where it reads more than fields of the element.
 */
function inlineValue(e: Extract<Expr, { k: 'attr' }>, owner: TypeDef, inst: Instance): VType | undefined {
  if (inst.valueCond) return undefined;
  let inlineable = true;
  const body = mapExpr(inst.value!, (x) => {
    if (x.k === 'io') inlineable = false;
    if (x.k !== 'ref') return undefined;
    // `_root.mask` where the root's value instance `mask` is a constant: that constant.
    const up = x.param ? upParamsOf(owner).find((u) => u.param === x.paramDef) : undefined;
    const rootValue = up && 'root' in up.up && !up.path ? owner.spec.root.instances.find((i) => i.id === up.name && !i.valueCond)?.value : undefined;
    const c = rootValue && constValue(rootValue);
    if (c !== undefined) return { k: 'int', value: c };
    const f = owner.fields.find((y) => y.id === x.name);
    if (!f || x.param || x.up || x.instance || x.fromRoot) {
      inlineable = false;
      return x;
    }
    let out: Expr = { k: 'attr', obj: e.obj, name: f.id };
    for (const p of x.pathFields ?? []) out = { k: 'attr', obj: out, name: p.id };
    return out;
  });
  if (!inlineable) return undefined;
  for (const k of Object.keys(e)) delete (e as Record<string, unknown>)[k];
  Object.assign(e, body);
  return typeOf(e);
}

/** Methods of each type, with their argument counts and result types. */
function methodType(obj: VType, e: Extract<Expr, { k: 'attr' }>): VType {
  const n = e.args?.length ?? -1;
  const args = (...ok: number[]): void => {
    if (!ok.includes(n)) throw new ExprError(`'.${e.name}' ${n < 0 ? 'needs arguments' : n === 0 && ok.includes(-1) ? 'takes no parentheses' : `does not take ${n} argument(s)`} (on ${aType(obj)})`);
  };
  const m = e.name;
  if (obj.t === 'user') {
    if (!obj.type) throw new ExprError(`'.${m}' on a switch value (one of several types) is not supported`);
    args(-1);
    const f = obj.type.fields.find((x) => x.id === m);
    if (f) {
      e.field = f;
      // Read from outside its type, the field is part of the value, not a computed length.
      f.lengthOf = undefined;
      return fieldVType(f);
    }
    const inst = instanceEntry(obj.type, m);
    if (inst && inst.node['value'] === undefined) {
      const i = inst.define();
      e.instance = i;
      return fieldVType(i.field!);
    }
    // A value instance of the object made of its fields: its expression read through the object
    // (it computes on built values too); else computed from the object as decoded (the using type
    // is decode-only).
    const vi = inst?.inst ?? (inst ? obj.type.instances.find((x) => x.id === m) : undefined);
    if (vi?.value) {
      const inlined = inlineValue(e, obj.type, vi);
      if (inlined) return inlined;
    }
    if (inst?.inst?.value) {
      e.instance = inst.inst;
      return typeOf(inst.inst.value);
    }
    // A param the object was read with (Kaitai keeps it on the object; decode-only as well).
    const p = obj.type.params.find((x) => x.id === m);
    if (p && !inst) {
      e.param = p;
      paramsReadOutside.add(p);
      return p.kind === 'value' ? (p.vt ?? INT) : p.kind === 'bool' ? BOOL : INT;
    }
    throw new ExprError(`${obj.type.name} has no field '${m}'${inst ? ' (value instances of an element are not supported)' : ''}`);
  }
  if ((m === 'size' && (obj.t === 'array' || obj.t === 'bytes')) || (m === 'length' && (obj.t === 'str' || obj.t === 'bytes'))) {
    args(-1);
    return INT;
  }
  if (m === 'to_i' && (obj.t === 'int' || obj.t === 'float' || obj.t === 'bool')) {
    args(-1);
    return INT;
  }
  if (m === 'to_i' && obj.t === 'str') {
    args(-1, 1);
    if (n === 1 && e.args![0]!.k !== 'int') throw new ExprError(`'.to_i(radix)': the radix must be an integer literal`);
    return INT;
  }
  if (m === 'to_s' && obj.t === 'int') {
    args(-1);
    return STR;
  }
  if (m === 'to_s' && obj.t === 'bytes') {
    args(1);
    const a = e.args![0]!;
    if (a.k !== 'str') throw new ExprError(`'.to_s(encoding)' on a byte array: the encoding must be a string literal`);
    const enc = normalizeEncoding(a.value);
    if (enc === undefined) throw new ExprError(`'.to_s': encoding '${a.value}' is not supported (UTF-8, ASCII, UTF-16LE, UTF-16BE, ISO-8859-1 and windows-1250 … windows-1258 are)`);
    a.value = enc;
    return STR;
  }
  if ((m === 'first' || m === 'last' || m === 'min' || m === 'max') && (obj.t === 'array' || obj.t === 'bytes')) {
    args(-1);
    const el = obj.t === 'bytes' ? INT : obj.of;
    if ((m === 'min' || m === 'max') && !isNum(el)) throw new ExprError(`'.${m}' of ${aType(obj)} is not supported (of numbers it is)`);
    return el;
  }
  if (m === 'reverse' && obj.t === 'str') {
    args(-1);
    return STR;
  }
  if (m === 'substring' && obj.t === 'str') {
    args(2);
    return STR;
  }
  throw new ExprError(`'.${m}' on ${aType(obj)} is not supported`);
}

/** The type of an expression whose names are resolved; an ExprError names what does not fit. */
export function typeOf(e: Expr): VType {
  switch (e.k) {
    case 'int':
    case 'enum':
    case 'index':
    case 'sizeof':
    case 'inv':
      if (e.k === 'inv' && typeOf(e.e).t !== 'int') throw new ExprError(`'~' needs an integer`);
      return INT;
    case 'float':
      return FLOAT;
    case 'bool':
      return BOOL;
    case 'not':
      // Typed for what it resolves on the way (an element's value instance, `not a[i].is_last`).
      typeOf(e.e);
      return BOOL;
    case 'str':
      return STR;
    case 'io':
      return e.prop === 'eof' ? BOOL : INT;
    case 'arr': {
      if (isByteLiteral(e)) return BYTES;
      const types = e.items.map(typeOf);
      const of = types.some((x) => x.t === 'float') ? FLOAT : (types[0] ?? INT);
      return { t: 'array', of };
    }
    case 'item': {
      const last = e.pathFields?.[e.pathFields.length - 1];
      return last ? fieldVType(last) : (e.vt ?? INT);
    }
    case 'ref': {
      if (e.param && e.paramDef?.kind !== 'value') return e.paramDef?.kind === 'bool' ? BOOL : INT;
      // A param holding an object, an array, ...: itself, or the field a path reaches inside it.
      if (e.param) return e.pathFields?.length ? fieldVType(e.pathFields[e.pathFields.length - 1]!) : (e.paramDef?.vt ?? INT);
      // A value instance kept as an instance (it reads where the stream is): its expression's type.
      if (e.instance?.value) return typeOf(e.instance.value);
      const last = e.pathFields?.[e.pathFields.length - 1] ?? e.instance?.field ?? e.field;
      return last ? fieldVType(last) : INT;
    }
    case 'neg': {
      const v = typeOf(e.e);
      if (!isNum(v)) throw new ExprError(`'-' needs a number, not ${aType(v)}`);
      return v;
    }
    case 'cast': {
      const v = typeOf(e.e);
      if (/^[us][1248](le|be)?$/.test(e.to) || /^b[0-9]+$/.test(e.to)) {
        if (v.t !== 'int') throw new ExprError(`'.as<${e.to}>' of ${aType(v)} is not supported (of an integer it is)`);
        return INT;
      }
      if (e.to === 'bytes' && (v.t === 'bytes' || (v.t === 'array' && v.of.t === 'int' && e.e.k === 'arr'))) return BYTES;
      if (e.to === 'str' && v.t === 'str') return STR;
      throw new ExprError(`'.as<${e.to}>' of ${aType(v)} is not supported (casts of integers to integer types, and of integer array literals to bytes, are)`);
    }
    case 'none':
      throw new ExprError('a value instance without a value is used outside its if condition');
    case 'cond': {
      typeOf(e.c);
      const a = typeOf(e.a);
      if (e.b.k === 'none') return a;
      const b = typeOf(e.b);
      if (isNum(a) && isNum(b)) return a.t === 'float' || b.t === 'float' ? FLOAT : INT;
      if (a.t !== b.t) throw new ExprError(`the two sides of '? :' are ${aType(a)} and ${aType(b)}`);
      return a;
    }
    case 'bin': {
      const l = typeOf(e.l);
      const r = typeOf(e.r);
      const both = `${aType(l)} and ${aType(r)}`;
      switch (e.op) {
        case 'and':
        case 'or':
          if (l.t !== 'bool' || r.t !== 'bool') throw new ExprError(`'${e.op}' needs booleans, not ${both}`);
          return BOOL;
        case '==':
        case '!=':
        case '<':
        case '<=':
        case '>':
        case '>=':
          if (isNum(l) && isNum(r)) return BOOL;
          if (l.t !== r.t || l.t === 'array' || l.t === 'user' || (l.t === 'bool' && e.op !== '==' && e.op !== '!='))
            throw new ExprError(`'${e.op}' cannot compare ${both}`);
          return BOOL;
        case '+':
          if (l.t === 'str' && r.t === 'str') return STR;
          if (isNum(l) && isNum(r)) return l.t === 'float' || r.t === 'float' ? FLOAT : INT;
          throw new ExprError(`'+' cannot add ${both}`);
        case '-':
        case '*':
        case '/':
        case '%':
          if (isNum(l) && isNum(r)) return l.t === 'float' || r.t === 'float' ? FLOAT : INT;
          throw new ExprError(`'${e.op}' needs numbers, not ${both}`);
        default:
          if (l.t !== 'int' || r.t !== 'int') throw new ExprError(`'${e.op}' needs integers, not ${both}`);
          return INT;
      }
    }
    case 'attr':
      return methodType(typeOf(e.obj), e);
    case 'at': {
      const obj = typeOf(e.obj);
      if (typeOf(e.idx).t !== 'int') throw new ExprError('an index must be an integer');
      if (obj.t === 'bytes') return INT;
      if (obj.t === 'array') return obj.of;
      throw new ExprError(`'[i]' on ${aType(obj)} is not supported (on arrays and byte arrays it is)`);
    }
  }
}
