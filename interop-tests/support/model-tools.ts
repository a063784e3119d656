// Test tools driven by the generator's model: random values of any spec type (fast-check),
// a comparison of Kaitai's parse result with a twinmap value, and expression evaluation.
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { constValue, refsOf, type Expr } from '../../ts/gen/expr.js';
import { camel, valueFields, type Field, type FieldType, type TypeDef } from '../../ts/gen/model.js';

export type Value = Record<string, unknown>;

/** Evaluates a spec expression against a value (fields by their camelCase property). */
export function evalExpr(e: Expr, v: Value, t: TypeDef): number | boolean {
  switch (e.k) {
    case 'int':
    case 'bool':
      return e.value;
    case 'enum':
      return e.resolved!.value;
    case 'ref': {
      const f = t.fields.find((x) => x.id === e.name)!;
      let x = v[camel(f.id)];
      for (const m of e.pathFields ?? []) x = (x as Value)[camel(m.id)];
      return Number(x);
    }
    case 'not':
      return !evalExpr(e.e, v, t);
    case 'neg':
      return -Number(evalExpr(e.e, v, t));
    case 'bin': {
      const l = evalExpr(e.l, v, t);
      const r = evalExpr(e.r, v, t);
      switch (e.op) {
        case '+':
          return Number(l) + Number(r);
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
          return Math.floor(Number(l) / Number(r));
        case '%':
          return ((Number(l) % Number(r)) + Number(r)) % Number(r);
      }
    }
  }
  throw new Error('unreachable');
}

function intArb(ty: Extract<FieldType, { t: 'int' }>, f: Field): fc.Arbitrary<unknown> {
  const member = (m: { value: number; exact: bigint }): number | bigint => (ty.size === 8 ? m.exact : m.value);
  if (f.enumDef && f.validInEnum) return fc.constantFrom(...f.enumDef.members.map(member));
  if (f.validEq !== undefined) return fc.constant(ty.size === 8 ? BigInt(f.validEq) : f.validEq);
  const bits = ty.size * 8;
  if (f.enumDef && f.enumDef.members.length > 0 && ty.size !== 8) {
    // Mostly known members (so `if`/switch branches on them run), sometimes any value.
    const any = ty.signed ? fc.integer({ min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 }) : fc.integer({ min: 0, max: 2 ** bits - 1 });
    return fc.oneof({ arbitrary: fc.constantFrom(...f.enumDef.members.map((m) => m.value)), weight: 3 }, { arbitrary: any, weight: 1 });
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

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function sizeConst(s: { expr: Expr } | { eos: true } | undefined): number | undefined {
  return s && 'expr' in s ? constValue(s.expr) : undefined;
}

/** Every reference in an expression, as a path of field ids (`header.len_body` → ['header', 'len_body']). */
function refPaths(e: Expr, out: string[][] = []): string[][] {
  if (e.k === 'ref') out.push([e.name, ...(e.path ?? [])]);
  else if (e.k === 'not' || e.k === 'neg') refPaths(e.e, out);
  else if (e.k === 'bin') {
    refPaths(e.l, out);
    refPaths(e.r, out);
  }
  return out;
}

function elemArb(f: Field, depth: number, small: string[][] = []): fc.Arbitrary<unknown> {
  const ty = f.type;
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
      if (f.validInEnum) return fc.constantFrom(...members);
      const any = fc.integer({ min: 0, max });
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
export function arbitraryOf(t: TypeDef, depth = 0, small: string[][] = []): fc.Arbitrary<Value> {
  const plain: Record<string, fc.Arbitrary<unknown>> = {};
  const fields = valueFields(t);
  const sizePaths = [...small];
  for (const f of fields) {
    const e = dependentSize(f, t);
    if (e) sizePaths.push(...refPaths(e));
  }
  const sizeRefs = new Set(sizePaths.filter((p) => p.length === 1).map((p) => p[0]!));
  for (const f of fields) {
    if (f.type.t === 'switch' || dependentSize(f, t)) continue;
    const inner = sizePaths.filter((p) => p.length > 1 && p[0] === f.id).map((p) => p.slice(1));
    const sizeMax = f.type.t === 'bits' ? Math.min(16, 2 ** f.type.width - 1) : 16;
    let a = sizeRefs.has(f.id) ? fc.integer({ min: 0, max: sizeMax }) : elemArb(f, depth, inner);
    if (f.repeat) {
      const n = f.repeat.kind === 'expr' ? constValue(f.repeat.count) : undefined;
      a = n !== undefined ? fc.array(a, { minLength: n, maxLength: n }) : fc.array(a, { maxLength: depth > 1 ? 2 : 4 });
      // Bit-sized elements up to the end of the stream: a whole number of bytes (the run starts at one).
      const ty = f.type;
      if (f.repeat.kind === 'eos' && ty.t === 'bits') {
        const unit = 8 / gcd(ty.width, 8);
        a = fc.array(elemArb(f, depth, inner), { maxLength: unit * 2 }).map((xs) => xs.slice(0, xs.length - (xs.length % unit)));
      }
    }
    plain[camel(f.id)] = a;
  }
  // A size computed from other fields must come out non-negative (a negative count is fine: zero items).
  const sizeExprs = fields.filter((f) => !f.repeat).map((f) => dependentSize(f, t)).filter((e): e is Expr => e !== undefined);
  const validSizes = (base: Value): boolean => sizeExprs.every((e) => Number(evalExpr(e, base, t)) >= 0);
  return fc.record(plain).filter(validSizes).chain((base) => {
    const v: Value = { ...base };
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
      if (f.type.t !== 'switch') continue;
      const on = Number(evalExpr(f.type.on, v, t));
      const c = f.type.cases.find((x) => Number(evalExpr(x.match, v, t)) === on);
      const target = c?.type ?? f.type.fallback;
      later[camel(f.id)] = target ? arbitraryOf(target, depth + 1) : f.type.size ? fc.uint8Array({ maxLength: 16 }) : fc.constant(undefined);
    }
    return fc.record(later).map((sw) => {
      const out: Value = { ...v, ...sw };
      for (const f of fields) if (f.cond && !evalExpr(f.cond, out, t)) delete out[camel(f.id)];
      return out;
    });
  });
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
    if (f.type.t === 'contents') continue;
    if (f.lengthOf) continue;
    const raw = k[name];
    if (f.cond && (raw === undefined || raw === null)) continue;
    const one = (x: unknown, mine: unknown): unknown => {
      const ty = f.type;
      if (ty.t === 'user') return fromKaitai(x as Record<string, unknown>, ty.type, mine as Value | undefined);
      if (ty.t === 'switch') {
        if (x instanceof Uint8Array) return Uint8Array.from(x);
        if (x === undefined || x === null) return undefined;
        const on = Number(evalExpr(ty.on, k as Value, t));
        const c = ty.cases.find((cc) => Number(evalExpr(cc.match, k as Value, t)) === on);
        return fromKaitai(x as Record<string, unknown>, (c?.type ?? ty.fallback)!, mine as Value | undefined);
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
      if (!(a.value === b.value || Object.is(a.value, b.value))) return `${path}.${name}: twinmap ${String(a.value)}, Kaitai ${String(b.value)}`;
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
    target = ty.cases.find((c) => Number(evalExpr(c.match, parentK as Value, parentT)) === on)?.type ?? ty.fallback;
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
