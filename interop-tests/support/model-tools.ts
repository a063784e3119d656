// Test tools driven by the generator's model: random values of any spec type (fast-check),
// a comparison of Kaitai's parse result with a twinmap value, and expression evaluation.
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { bitOp } from '../../ts/gen/runtime/twinmap-runtime.js';
import { constValue, refsOf, walkExpr, type Expr } from '../../ts/gen/expr.js';
import { isByteLiteral, typeOf } from '../../ts/gen/expr-types.js';
import { camel, caseField, caseUserTypes, valueFields, type Field, type FieldType, type Instance, type TypeDef } from '../../ts/gen/model.js';

export type Value = Record<string, unknown>;

/** `_` and `_index` while a repeat-until condition is evaluated. */
let untilItem: { value: unknown; index: number } | undefined;

/** Evaluates a repeat-until condition for an element and how many elements have been read with it. */
export function evalUntil(e: Expr, item: unknown, index: number, t?: TypeDef): boolean {
  untilItem = { value: item, index };
  try {
    return Boolean(evalExpr(e, {}, t as TypeDef));
  } finally {
    untilItem = undefined;
  }
}

/** Kaitai's byte-array order (as its JS runtime's byteArrayCompare). */
function bytesCmp(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** A value as Kaitai's JS computes with it: 64-bit integers are numbers. */
function jsNum(x: unknown): unknown {
  return typeof x === 'bigint' ? Number(x) : x;
}

/** Evaluates a spec expression against a value (fields by their camelCase property), as Kaitai's JS does. */
export function evalExpr(e: Expr, v: Value, t: TypeDef): any {
  const ev = (x: Expr): any => evalExpr(x, v, t);
  switch (e.k) {
    case 'item': {
      let x = untilItem!.value;
      for (const m of e.pathFields ?? []) x = (x as Value)[camel(m.id)];
      return typeof x === 'boolean' || typeof x === 'string' || x instanceof Uint8Array ? x : Number(x);
    }
    case 'index':
      return untilItem!.index;
    case 'int':
    case 'bool':
    case 'float':
    case 'str':
      return e.value;
    case 'arr':
      return isByteLiteral(e) ? Uint8Array.from(e.items.map(ev)) : e.items.map(ev);
    case 'enum':
      return e.resolved!.value;
    case 'ref': {
      // A parameter: Kaitai's objects keep it under its camelCase name.
      if (e.param) return Number(v[camel(e.name)]);
      // A value instance: computed from the value (random values do not carry instances).
      if (e.instance?.value && !e.pathFields?.length && !(camel(e.name) in v)) return valueInstance(e.instance, v, t);
      const f = t.fields.find((x) => x.id === e.name);
      let x = v[camel(f?.id ?? e.name)];
      for (const m of e.pathFields ?? []) x = (x as Value)[camel(m.id)];
      const last = e.pathFields?.[e.pathFields.length - 1] ?? f ?? e.instance?.field;
      if (last && !last.repeat && (last.type.t === 'int' || last.type.t === 'intSwitch' || (last.type.t === 'bits' && !last.type.bool))) return Number(x);
      return jsNum(x);
    }
    case 'attr': {
      const obj = ev(e.obj);
      const ty = typeOf(e.obj);
      if (ty.t === 'user') {
        if (e.instance?.value && ty.type && !(camel(e.instance.id) in (obj as Value))) return valueInstance(e.instance, obj as Value, ty.type);
        return jsNum((obj as Value)[camel(e.field?.id ?? e.instance!.id)]);
      }
      const args = (e.args ?? []).map(ev);
      switch (e.name) {
        case 'size':
        case 'length':
          return obj.length;
        case 'to_i':
          return ty.t === 'str' ? Number.parseInt(obj, args[0] ?? 10) : ty.t === 'float' ? Math.trunc(obj) : ty.t === 'bool' ? (obj ? 1 : 0) : obj;
        case 'to_s':
          if (obj instanceof Uint8Array) return new TextDecoder(args[0] === 'ASCII' ? 'utf-8' : String(args[0]), { ignoreBOM: true }).decode(obj);
          return String(obj);
        case 'first':
          return jsNum(obj[0]);
        case 'last':
          return jsNum(obj[obj.length - 1]);
        case 'min':
          return obj.length ? Math.min(...Array.from(obj as ArrayLike<unknown>, Number)) : undefined;
        case 'max':
          return obj.length ? Math.max(...Array.from(obj as ArrayLike<unknown>, Number)) : undefined;
        case 'reverse':
          return Array.from(obj as string).reverse().join('');
        case 'substring':
          return (obj as string).substring(args[0], args[1]);
      }
      throw new Error(`unknown method ${e.name}`);
    }
    case 'at':
      return jsNum(ev(e.obj)[ev(e.idx)]);
    case 'cond':
      return ev(e.c) ? ev(e.a) : ev(e.b);
    case 'not':
      return !ev(e.e);
    case 'neg':
      return -Number(ev(e.e));
    case 'inv':
      return bitOp('^', Number(ev(e.e)), -1);
    case 'bin': {
      const l = ev(e.l);
      const r = ev(e.r);
      if (l instanceof Uint8Array && r instanceof Uint8Array) {
        const c = bytesCmp(l, r);
        const ops: Record<string, boolean> = { '==': c === 0, '!=': c !== 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0 };
        return ops[e.op];
      }
      const ints = typeOf(e.l).t === 'int' && typeOf(e.r).t === 'int';
      switch (e.op) {
        case '+':
          return typeof l === 'string' ? l + r : Number(l) + Number(r);
        case '-':
          return Number(l) - Number(r);
        case '*':
          return Number(l) * Number(r);
        case '==':
          return l === r;
        case '!=':
          return l !== r;
        case '<':
          return l < r;
        case '<=':
          return l <= r;
        case '>':
          return l > r;
        case '>=':
          return l >= r;
        case 'and':
          return Boolean(l) && Boolean(r);
        case 'or':
          return Boolean(l) || Boolean(r);
        case '/':
          return ints ? Math.floor(Number(l) / Number(r)) : Number(l) / Number(r);
        case '%':
          return ints ? ((Number(l) % Number(r)) + Number(r)) % Number(r) : Number(l) % Number(r);
        default:
          return bitOp(e.op, Number(l), Number(r));
      }
    }
    case 'cast':
      return ev(e.e);
    case 'none':
      return undefined;
    case 'io':
    case 'sizeof':
      throw new Error(`cannot evaluate ${e.k} on a value`);
  }
}

/** A value instance of `v` (of type `t`): undefined where its `if` does not hold. */
function valueInstance(i: Instance, v: Value, t: TypeDef): unknown {
  if (i.valueCond && !evalExpr(i.valueCond, v, t)) return undefined;
  return evalExpr(i.value!, v, t);
}

function intArb(ty: Extract<FieldType, { t: 'int' }>, f: Field): fc.Arbitrary<unknown> {
  if (f.validCheck) return validArb(f, ty.size * 8, ty.signed, ty.size === 8);
  const member = (m: { value: number; exact: bigint }): number | bigint => (ty.size === 8 ? m.exact : m.value);
  if (f.enumDef && f.validInEnum) return fc.constantFrom(...f.enumDef.members.map(member));
  if (f.validEq !== undefined) return fc.constant(ty.size === 8 ? BigInt(f.validEq) : f.validEq);
  const bits = ty.size * 8;
  // Members the field can hold (`-1` on a u1 never matches a value read).
  const [lo, hi] = ty.signed ? [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1] : [0, 2 ** bits - 1];
  const members = (f.enumDef?.members ?? []).map((m) => m.value).filter((x) => x >= lo && x <= hi);
  if (members.length > 0 && ty.size !== 8) {
    // Mostly known members (so `if`/switch branches on them run), sometimes any value.
    return fc.oneof({ arbitrary: fc.constantFrom(...members), weight: 3 }, { arbitrary: fc.integer({ min: lo, max: hi }), weight: 1 });
  }
  if (ty.size === 8) return ty.signed ? fc.bigInt(-(1n << 63n), (1n << 63n) - 1n) : fc.bigInt(0n, (1n << 64n) - 1n);
  return ty.signed ? fc.integer({ min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 }) : fc.integer({ min: 0, max: 2 ** bits - 1 });
}

/**
 * Strings in a UTF-16 or single-byte encoding that encode to `n` bytes (when sized; up to `n` with
 * room for the terminator when zero-terminated), with characters the encoding has.
 */
function textArb(encoding: string, n: number | undefined, zeroTerminated: boolean): fc.Arbitrary<string> {
  const unit = encoding.startsWith('UTF-16') ? 2 : 1;
  const chars = unit === 2 ? fc.oneof(fc.integer({ min: 1, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0xffff })) : fc.integer({ min: 1, max: encoding === 'ISO-8859-1' ? 0xff : 0x7f });
  const max = n === undefined ? 12 : Math.floor(n / unit);
  const exact = n !== undefined && !zeroTerminated;
  return fc
    .array(chars, { maxLength: max, ...(exact ? { minLength: max } : {}) })
    .map((cs) => String.fromCharCode(...cs))
    .filter((s) => !exact || s.length * unit === n)
    .map((s) => (zeroTerminated && n !== undefined && s.length * unit < n && n - s.length * unit < unit ? s.slice(0, -1) : s));
}

/**
 * Elements for a repeat-until field: none but the last meets the condition. Elements are nudged
 * towards (or away from) simple conditions (`_ == 0`, `_.len == 0`, `not _.more`) so that random
 * ones do not have to hit them by chance.
 */
function untilArb(f: Field, t: TypeDef, elem: fc.Arbitrary<unknown>, depth: number, small: string[][]): fc.Arbitrary<unknown> {
  const cond = (f.repeat as { cond: Expr }).cond;
  const meets = (x: unknown, i: number): boolean => evalUntil(cond, x, i + 1, t);
  // A user-type last element is generated with the fields the condition reads already set, so
  // that switches and sizes inside it follow them.
  const fixed = f.type.t === 'user' ? forcedFields(cond) : undefined;
  const lastArb = fixed && f.type.t === 'user' ? arbitraryOf(f.type.type, depth + 1, small, fixed) : elem;
  const fit = (x: unknown, i: number): unknown => {
    if (meets(x, i)) return x;
    if (f.type.t === 'user') return undefined;
    const y = force(cond, x, true);
    return meets(y, i) ? y : undefined;
  };
  return fc.tuple(fc.array(elem, { maxLength: 3 }), lastArb).map(([rest, last]) => {
    const out: unknown[] = [];
    for (const x of rest) if (!meets(x, out.length)) out.push(x);
    const end = fit(last, out.length);
    return end === undefined ? undefined : [...out, end];
  }).filter((xs) => xs !== undefined);
}

/** Top-level element fields that make a simple condition (`_.f == k`, `not _.more`, and/or) hold. */
function forcedFields(e: Expr, want = true): Value | undefined {
  const literal = (c: Expr): number | boolean | undefined => (c.k === 'int' || c.k === 'bool' ? c.value : c.k === 'enum' ? c.resolved?.value : constValue(c));
  const one = (x: Expr): string | undefined => (x.k === 'item' && x.pathFields?.length === 1 ? camel(x.pathFields[0]!.id) : undefined);
  if (e.k === 'not') return forcedFields(e.e, !want);
  if (one(e)) return { [one(e)!]: want };
  if (!want) return undefined;
  if (e.k === 'bin' && e.op === 'or') return forcedFields(e.l) ?? forcedFields(e.r);
  if (e.k === 'bin' && e.op === 'and') {
    const l = forcedFields(e.l);
    const r = forcedFields(e.r);
    return l && r ? { ...l, ...r } : undefined;
  }
  if (e.k === 'bin' && e.op === '==') {
    const [item, c] = one(e.l) ? [one(e.l), e.r] : one(e.r) ? [one(e.r), e.l] : [undefined, undefined];
    const k = c && literal(c);
    return item && typeof k === 'number' ? { [item]: k } : undefined;
  }
  return undefined;
}

/** Sets the fields a simple condition on a number element reads so that it comes out as `want` (best effort). */
function force(e: Expr, x: unknown, want: boolean, elemType?: TypeDef): unknown {
  const set = (item: Extract<Expr, { k: 'item' }>, value: unknown): unknown => {
    const path = item.pathFields ?? [];
    if (path.length === 0) return value;
    let o = x as Value;
    for (const m of path.slice(0, -1)) o = o[camel(m.id)] as Value;
    const last = path[path.length - 1]!;
    const old = o[camel(last.id)];
    o[camel(last.id)] = typeof old === 'bigint' && typeof value === 'number' ? BigInt(value) : value;
    // A sibling sized or counted by the field follows it (`len_data == 0` empties `data`).
    const owner = path.length > 1 ? (path[path.length - 2]!.type as { type: TypeDef }).type : elemType;
    for (const g of owner?.fields ?? []) {
      const ty = g.type;
      const sized = ty.t === 'bytes' || ty.t === 'str' || ty.t === 'user' || ty.t === 'switch' || ty.t === 'delimited' ? ty.size : undefined;
      const by = g.repeat?.kind === 'expr' ? g.repeat.count : sized && 'expr' in sized ? sized.expr : undefined;
      if (by?.k !== 'ref' || by.name !== last.id || typeof value !== 'number') continue;
      const cur = o[camel(g.id)];
      if (cur instanceof Uint8Array) o[camel(g.id)] = Uint8Array.from({ length: value }, (_, i) => cur[i] ?? 0);
      else if (typeof cur === 'string') o[camel(g.id)] = cur.slice(0, value).padEnd(value, 'a');
      else if (Array.isArray(cur) && value <= cur.length) o[camel(g.id)] = cur.slice(0, value);
    }
    return x;
  };
  const literal = (c: Expr): number | boolean | undefined => (c.k === 'int' || c.k === 'bool' ? c.value : c.k === 'enum' ? c.resolved?.value : constValue(c));
  if (e.k === 'not') return force(e.e, x, !want, elemType);
  if (e.k === 'item') return set(e, want);
  if (e.k === 'bin' && (e.op === 'and' || e.op === 'or')) {
    if ((e.op === 'and') === want) return force(e.r, force(e.l, x, want, elemType), want, elemType);
    return force(e.l, x, want, elemType);
  }
  if (e.k === 'bin' && (e.op === '==' || e.op === '!=')) {
    const [item, c] = e.l.k === 'item' ? [e.l, e.r] : e.r.k === 'item' ? [e.r, e.l] : [undefined, undefined];
    const k = c && literal(c);
    if (!item || k === undefined) return x;
    const equal = (e.op === '==') === want;
    if (equal) return set(item, k);
    return set(item, typeof k === 'boolean' ? !k : k === 0 ? 1 : 0);
  }
  return x;
}

/** Integers a `valid` rule (min, max, any-of, expr) accepts. */
function validArb(f: Field, bits: number, signed: boolean, wide: boolean): fc.Arbitrary<unknown> {
  const c = f.validCheck!;
  const [lo, hi] = signed ? [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1] : [0, 2 ** bits - 1];
  const min = Math.max(lo, c.min ?? lo);
  const max = Math.min(hi, c.max ?? hi);
  let a: fc.Arbitrary<number> = c.anyOf ? fc.constantFrom(...c.anyOf.filter((n) => n >= min && n <= max)) : fc.integer({ min, max: Math.min(max, Number.MAX_SAFE_INTEGER) });
  if (c.expr) {
    const e = c.expr;
    // Small values first: rules like `_ >= 1 and _ <= 12` hold for few of a wide field's values.
    a = fc.oneof(fc.integer({ min: Math.max(min, 0), max: Math.min(max, 300) }), a).filter((n) => evalUntil(e, n, 0));
  }
  return wide ? a.map((n) => BigInt(n)) : a;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function sizeConst(s: { expr: Expr } | { eos: true } | undefined): number | undefined {
  return s && 'expr' in s ? constValue(s.expr) : undefined;
}

/** Every reference in an expression, as a path of field ids (`header.len_body` → ['header', 'len_body']). */
function refPaths(e: Expr, out: string[][] = []): string[][] {
  walkExpr(e, (x) => {
    if (x.k === 'ref') out.push([x.name, ...(x.path ?? [])]);
  });
  return out;
}

function elemArb(f: Field, depth: number, small: string[][] = []): fc.Arbitrary<unknown> {
  const ty = f.type;
  // `valid` on a byte array, string, float or boolean: the values its eq/any-of name, else
  // values that meet its rule.
  if (ty.t !== 'int' && !(ty.t === 'bits' && !ty.bool) && f.validCheck?.expr) {
    const rule = f.validCheck.expr;
    const named = f.validCheck.values?.map((x) => evalExpr(x, {}, undefined as unknown as TypeDef) as unknown).filter((x) => evalUntil(rule, x, 0));
    if (named?.length) return fc.constantFrom(...named);
    return elemArb({ ...f, validCheck: undefined }, depth, small).filter((x) => evalUntil(rule, x, 0));
  }
  switch (ty.t) {
    case 'int':
      return intArb(ty, f);
    case 'float':
      return ty.size === 4 ? fc.float({ noDefaultInfinity: false }) : fc.double();
    case 'bits': {
      if (ty.bool) return fc.boolean();
      const max = 2 ** ty.width - 1;
      const members = (f.enumDef?.members ?? []).map((m) => m.value).filter((x) => x >= 0 && x <= max);
      if (f.validEq !== undefined) return fc.constant(f.validEq);
      if (f.validCheck) return validArb(f, ty.width, false, false);
      if (f.validInEnum) return fc.constantFrom(...members);
      if (ty.width > 53) return fc.bigInt(0n, (1n << BigInt(ty.width)) - 1n);
      const any = ty.width > 31 ? fc.bigInt(0n, BigInt(max)).map(Number) : fc.integer({ min: 0, max });
      return members.length ? fc.oneof({ arbitrary: fc.constantFrom(...members), weight: 3 }, { arbitrary: any, weight: 1 }) : any;
    }
    case 'bytes': {
      const n = sizeConst(ty.size);
      return n !== undefined ? fc.uint8Array({ minLength: n, maxLength: n }) : fc.uint8Array({ maxLength: 40 });
    }
    case 'str': {
      const n = sizeConst(ty.size);
      if (ty.encoding !== 'UTF-8' && ty.encoding !== 'ASCII') return textArb(ty.encoding, n, ty.zeroTerminated);
      const unit = ty.encoding === 'ASCII' || n !== undefined ? 'grapheme-ascii' : 'grapheme';
      let s = fc.string({ unit, maxLength: n ?? 20, ...(n !== undefined && !ty.zeroTerminated ? { minLength: n } : {}) });
      if (ty.zeroTerminated) s = s.map((x) => x.replaceAll('\0', ''));
      return s;
    }
    case 'delimited':
      return delimitedArb(ty, sizeConst(ty.size));
    case 'user':
      return arbitraryOf(ty.type, depth + 1, small);
    default:
      throw new Error(`no arbitrary for ${ty.t}`);
  }
}

/**
 * Data for a terminated/padded field that reads back as itself: no terminator byte inside, no pad
 * byte at the end (reading strips it), at most `n` bytes when sized, ending with the terminator
 * when it is included.
 */
function delimitedArb(ty: Extract<FieldType, { t: 'delimited' }>, n: number | undefined): fc.Arbitrary<unknown> {
  const max = n ?? 20;
  const clean = (b: number[]): number[] => {
    const out = b.map((x) => (x === ty.term ? (x + 1) & 0xff : x));
    while (out.length && out[out.length - 1] === ty.pad) out.pop();
    return ty.include ? [...out, ty.term] : out;
  };
  const unit = ty.encoding ? fc.integer({ min: 0x20, max: 0x7e }) : fc.integer({ min: 0, max: 255 });
  return fc.array(unit, { maxLength: ty.include ? Math.max(0, max - 1) : max }).map((b) => {
    const bytes = clean(b).filter((x, i, all) => !ty.encoding || x !== ty.term || i === all.length - 1);
    return ty.encoding ? String.fromCharCode(...bytes) : Uint8Array.from(bytes);
  });
}

/** A size or count that an expression over other fields gives (not a constant, not a length field). */
function dependentSize(f: Field, t: TypeDef): Expr | undefined {
  const ty = f.type;
  const isLength = (e: Expr): boolean => e.k === 'ref' && t.fields.find((x) => x.id === e.name)?.lengthOf !== undefined;
  if (f.repeat?.kind === 'expr' && constValue(f.repeat.count) === undefined && !isLength(f.repeat.count)) return f.repeat.count;
  if ((ty.t === 'bytes' || ty.t === 'str' || ty.t === 'delimited') && ty.size && 'expr' in ty.size && constValue(ty.size.expr) === undefined && !isLength(ty.size.expr)) return ty.size.expr;
  return undefined;
}

/**
 * Random values of a spec type (switch fields pick the case their switch value selects). `small`:
 * paths of integer fields that sizes elsewhere are computed from, kept in [0, 16].
 */
export function arbitraryOf(t: TypeDef, depth = 0, small: string[][] = [], fixed: Value = {}): fc.Arbitrary<Value> {
  const plain: Record<string, fc.Arbitrary<unknown>> = {};
  const fields = valueFields(t);
  const sizePaths = [...small];
  for (const f of fields) {
    const e = dependentSize(f, t);
    if (e) sizePaths.push(...refPaths(e));
  }
  const sizeRefs = new Set(sizePaths.filter((p) => p.length === 1).map((p) => p[0]!));
  for (const f of fields) {
    if (f.type.t === 'switch' || f.type.t === 'intSwitch' || dependentSize(f, t)) continue;
    const inner = sizePaths.filter((p) => p.length > 1 && p[0] === f.id).map((p) => p.slice(1));
    const sizeMax = f.type.t === 'bits' ? Math.min(16, 2 ** f.type.width - 1) : 16;
    const text = f.type.t === 'str' || (f.type.t === 'delimited' && f.type.encoding !== undefined);
    // A size read from text (`len_dec.to_i`): digits.
    // (a count in text is typically of nested values of the same type: few, and none deep down)
    const width = text ? sizeConst((f.type as { size?: { expr: Expr } | { eos: true } }).size) : undefined;
    const digits = fc.integer({ min: 0, max: depth > 1 ? 0 : 3 }).map((n) => String(n).padStart(width ?? 1, '0'));
    // (a boolean a size depends on, `wide ? 1 : 0`, stays a boolean)
    const bool = f.type.t === 'bits' && f.type.bool;
    let a = sizeRefs.has(f.id) && !bool ? (text ? digits : fc.integer({ min: 0, max: sizeMax })) : elemArb(f, depth, inner);
    if (f.repeat) {
      const n = f.repeat.kind === 'expr' ? constValue(f.repeat.count) : undefined;
      a = n !== undefined ? fc.array(a, { minLength: n, maxLength: n }) : fc.array(a, { maxLength: depth > 1 ? 2 : 4 });
      if (f.repeat.kind === 'until') a = untilArb(f, t, elemArb(f, depth, inner), depth, inner);
      // Bit-sized elements up to the end of the stream: a whole number of bytes (the run starts at one).
      const ty = f.type;
      if (f.repeat.kind === 'eos' && ty.t === 'bits') {
        const unit = 8 / gcd(ty.width, 8);
        a = fc.array(elemArb(f, depth, inner), { maxLength: unit * 2 }).map((xs) => xs.slice(0, xs.length - (xs.length % unit)));
      }
    }
    plain[camel(f.id)] = a;
  }
  // A size computed from other fields must come out non-negative (a negative count is fine: zero
  // items), and not huge: one read through a value instance (`len.value` of a varint) is not kept
  // small by `small`, and millions of random bytes or items only make the check slow.
  const dependent = fields.map((f) => [f, dependentSize(f, t)] as const).filter((x): x is readonly [Field, Expr] => x[1] !== undefined);
  const validSizes = (base: Value): boolean =>
    dependent.every(([f, e]) => {
      const n = Number(evalExpr(e, base, t));
      return n <= (f.repeat ? 64 : 4096) && (f.repeat !== undefined || n >= 0);
    });
  // Fields a caller fixed (a repeat-until element that must meet its condition), as their types hold them.
  const pinned: Value = {};
  for (const [k, x] of Object.entries(fixed)) {
    const f = fields.find((y) => camel(y.id) === k);
    pinned[k] = f?.type.t === 'int' && f.type.size === 8 && typeof x === 'number' ? BigInt(x) : x;
  }
  return fc.record(plain).filter(validSizes).chain((base) => {
    const v: Value = { ...base, ...pinned };
    const later: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of fields) {
      const dep = dependentSize(f, t);
      if (dep) {
        const n = Math.max(0, Number(evalExpr(dep, v, t)));
        if (f.repeat) later[camel(f.id)] = fc.array(elemArb(f, depth), { minLength: n, maxLength: n });
        else if (f.type.t === 'delimited') later[camel(f.id)] = delimitedArb(f.type, n);
        else if (f.type.t === 'bytes') later[camel(f.id)] = fc.uint8Array({ minLength: n, maxLength: n });
        else later[camel(f.id)] = fc.string({ unit: 'grapheme-ascii', minLength: n, maxLength: n });
        continue;
      }
      if (f.type.t === 'intSwitch') {
        // The integer type the switch value selects (none: no value).
        const on = Number(evalExpr(f.type.on, v, t));
        const c = f.type.cases.find((x) => Number(evalExpr(x.match, v, t)) === on)?.type ?? f.type.fallback;
        const one = c?.t === 'bits' ? elemArb(caseField(f, c), depth) : c ? intArb(c, f) : fc.constant(undefined);
        // Repeated: the count's elements (none where no case matches, as Kaitai reads it).
        const n = f.repeat?.kind === 'expr' ? Math.max(0, Number(evalExpr(f.repeat.count, v, t))) : undefined;
        later[camel(f.id)] = !f.repeat ? one : !c ? fc.constant([]) : n !== undefined ? fc.array(one, { minLength: n, maxLength: n }) : fc.array(one, { maxLength: 4 });
        continue;
      }
      if (f.type.t !== 'switch') continue;
      const on = Number(evalExpr(f.type.on, v, t));
      const c = f.type.cases.find((x) => Number(evalExpr(x.match, v, t)) === on);
      const target = c?.type ?? f.type.fallback;
      // Raw bytes where no case matches: as many as a constant size says (fewer would read back padded).
      const n = sizeConst(f.type.size);
      const raw = n !== undefined ? fc.uint8Array({ minLength: n, maxLength: n }) : fc.uint8Array({ maxLength: 16 });
      later[camel(f.id)] = target ? (target.t === 'user' ? arbitraryOf(target.type, depth + 1) : elemArb(caseField(f, target), depth)) : f.type.size ? raw : fc.constant(undefined);
    }
    return fc.record(later).map((sw) => {
      const out: Value = { ...v, ...sw };
      for (const f of fields) fitComputedSize(f, t, out);
      for (const f of fields) if (f.cond && !evalExpr(f.cond, out, t)) delete out[camel(f.id)];
      return out;
    });
  });
}

/** Encoded sizes of generated types (their codecs), for sizes computed from a field. */
const sizers = new WeakMap<TypeDef, { sizeOf(v: never): number }>();

/** Lets arbitraryOf size values of a spec's types (e.g. `size: (len - 3) * 2` of a switch): `mod` is its generated module. */
export function registerCodecs(types: TypeDef[], mod: Record<string, unknown>): void {
  for (const t of types) {
    const c = mod[t.name];
    if (c && typeof c === 'object' && 'sizeOf' in c && typeof (c as { sizeOf: unknown }).sizeOf === 'function') sizers.set(t, c as { sizeOf(v: never): number });
  }
}

/**
 * A user-type or switch field whose size is computed from one integer field of the same type
 * (`size: (size - 3) * 2`): sets that field so that the value fits (raw bytes: exactly).
 */
function fitComputedSize(f: Field, t: TypeDef, out: Value): void {
  const ty = f.type;
  if ((ty.t !== 'user' && ty.t !== 'switch') || f.repeat || !ty.size || !('expr' in ty.size)) return;
  const e = ty.size.expr;
  const refs = refPaths(e);
  if (constValue(e) !== undefined || e.k === 'ref' || refs.length !== 1 || refs[0]!.length !== 1) return;
  const by = t.fields.find((x) => x.id === refs[0]![0]);
  if (!by || by.type.t !== 'int' || by.lengthOf) return;
  const value = out[camel(f.id)];
  if (value === undefined) return;
  let need: number | undefined;
  if (value instanceof Uint8Array) need = value.length;
  else {
    // The switch value picked the case; its type is the one whose fields the value has.
    const cases = ty.t === 'user' ? [ty.type] : caseUserTypes(ty);
    const type = cases.find((c) => sizers.has(c) && c.fields.every((x) => x.cond || x.type.t === 'contents' || x.lengthOf || camel(x.id) in (value as Value)));
    const sizer = type ? sizers.get(type) : undefined;
    if (!sizer) throw new Error(`no codec registered to size ${f.id} (registerCodecs)`);
    try {
      need = sizer.sizeOf(value as never);
    } catch {
      return;
    }
  }
  const key = camel(by.id);
  for (const exact of value instanceof Uint8Array ? [true, false] : [false]) {
    for (let r = 0; r < 1 << 16; r++) {
      const n = Number(evalExpr(e, { ...out, [key]: r }, t));
      if (exact ? n === need : n >= need) {
        out[key] = by.type.size === 8 ? BigInt(r) : r;
        // Raw bytes that no size fits exactly take the next size that does (zero-padded).
        if (value instanceof Uint8Array && n !== need) out[camel(f.id)] = Uint8Array.from({ length: n }, (_, i) => value[i] ?? 0);
        return;
      }
    }
  }
}

/**
 * Maps an object parsed by Kaitai's JS parser to twinmap's value shape, so the two can be compared
 * with toEqual. Kaitai's JS reads 64-bit integers into a Number (rounded beyond 2^53);
 * such a field is taken as equal to `ours` when it is Kaitai's rounding of it.
 */
export function fromKaitai(k: Record<string, unknown>, t: TypeDef, ours?: Value): Value {
  const out: Value = {};
  for (const f of t.fields) {
    const name = camel(f.id);
    if (f.type.t === 'contents' || f.lengthOf || f.hidden) continue;
    const raw = k[name];
    if (f.cond && (raw === undefined || raw === null)) continue;
    const one = (x: unknown, mine: unknown): unknown => {
      const ty = f.type;
      if (ty.t === 'user') return fromKaitai(x as Record<string, unknown>, ty.type, mine as Value | undefined);
      if (ty.t === 'switch') {
        if (x instanceof Uint8Array) return Uint8Array.from(x);
        if (x === undefined || x === null) return undefined;
        // A switch on a string compares strings; on an integer, enum or boolean, numbers.
        const key = (v: unknown): unknown => (typeof v === 'string' ? v : Number(v));
        const on = key(evalExpr(ty.on, k as Value, t));
        const c = ty.cases.find((cc) => key(evalExpr(cc.match, k as Value, t)) === on)?.type ?? ty.fallback;
        if (c?.t === 'user') return fromKaitai(x as Record<string, unknown>, c.type, mine as Value | undefined);
        if (c?.t === 'int' && c.size === 8 && typeof mine === 'bigint' && typeof x === 'number') return x === kaitaiInt64(mine) ? Number(mine) : x;
        return x;
      }
      if (ty.t === 'int' && ty.size === 8 && typeof mine === 'bigint' && typeof x === 'number') {
        return x === kaitaiInt64(mine) ? Number(mine) : x;
      }
      if (x instanceof Uint8Array) return Uint8Array.from(x);
      return x;
    };
    const mine = ours?.[name];
    out[name] = Array.isArray(raw) ? raw.map((x, i) => one(x, (mine as unknown[] | undefined)?.[i])) : one(raw, mine);
  }
  return out;
}

/**
 * The Number Kaitai's JS parser reports for a 64-bit integer: the exact value rounded to a double
 * (kaitai-js.ts patches the runtime's lossy two-halves arithmetic).
 */
export function kaitaiInt64(v: bigint): number {
  return Number(v);
}

/** Our value with 64-bit integers as Kaitai's JS parser reports them (Number, rounded). */
export function asKaitaiNumbers(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return Uint8Array.from(v);
  if (Array.isArray(v)) return v.map(asKaitaiNumbers);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, asKaitaiNumbers(x)]));
  return v;
}

/** Reads a property that may be a lazy instance (which throws when its bytes are bad). */
function attempt(read: () => unknown): { value: unknown } | { error: unknown } {
  try {
    return { value: read() };
  } catch (error) {
    return { error };
  }
}

/**
 * Compares the instances of a decoded value with Kaitai's, in it and in every value nested in
 * it: each instance has the same value, or both fail to read. Returns the first difference.
 */
export function instanceDifference(ours: Value, k: Record<string, unknown>, t: TypeDef, path = t.name): string | undefined {
  for (const i of t.instances) {
    const name = camel(i.id);
    const a = attempt(() => ours[name]);
    const b = attempt(() => k[name]);
    if ('error' in a && 'error' in b) continue;
    if ('error' in a) return `${path}.${name}: twinmap fails (${String(a.error)}), Kaitai reads ${String((b as { value: unknown }).value)}`;
    if ('error' in b) return `${path}.${name}: Kaitai fails (${String(b.error)}), twinmap reads ${String(a.value)}`;
    if (i.value) {
      // A byte array (`value: x_with_io.data`) is a new array on each side: compared by content.
      const bytesEqual = a.value instanceof Uint8Array && b.value instanceof Uint8Array && Buffer.compare(a.value, b.value) === 0;
      if (!(a.value === b.value || Object.is(a.value, b.value) || bytesEqual)) return `${path}.${name}: twinmap ${String(a.value)}, Kaitai ${String(b.value)}`;
      continue;
    }
    const f = i.field!;
    const mineV = a.value;
    const theirs = b.value;
    if (f.cond && (theirs === undefined || theirs === null) && mineV === undefined) continue;
    const wrapped = fromKaitai({ [camel(f.id)]: theirs }, { ...t, fields: [f] } as TypeDef, { [camel(f.id)]: mineV });
    if (!isDeepStrictEqual(asKaitaiNumbers(wrapped[camel(f.id)]), asKaitaiNumbers(mineV))) return `${path}.${name}: twinmap ${String(mineV)}, Kaitai ${String(theirs)}`;
    const d = nestedDifference(f, mineV, theirs, `${path}.${name}`);
    if (d) return d;
  }
  for (const f of t.fields) {
    if (f.type.t !== 'user' && f.type.t !== 'switch') continue;
    const d = nestedDifference(f, ours[camel(f.id)], k[camel(f.id)], `${path}.${camel(f.id)}`, k, t);
    if (d) return d;
  }
  return undefined;
}

function nestedDifference(f: Field, mine: unknown, theirs: unknown, path: string, parentK?: Record<string, unknown>, parentT?: TypeDef): string | undefined {
  const ty = f.type;
  let target: TypeDef | undefined;
  if (ty.t === 'user') target = ty.type;
  else if (ty.t === 'switch' && parentK && parentT) {
    const on = Number(evalExpr(ty.on, parentK as Value, parentT));
    const c = ty.cases.find((x) => Number(evalExpr(x.match, parentK as Value, parentT)) === on)?.type ?? ty.fallback;
    target = c?.t === 'user' ? c.type : undefined;
  }
  if (!target || mine === undefined || mine === null || theirs === undefined || theirs === null) return undefined;
  if (Array.isArray(mine) && Array.isArray(theirs)) {
    for (let n = 0; n < mine.length; n++) {
      const d = instanceDifference(mine[n] as Value, theirs[n] as Record<string, unknown>, target, `${path}[${n}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (mine instanceof Uint8Array) return undefined;
  return instanceDifference(mine as Value, theirs as Record<string, unknown>, target, path);
}
