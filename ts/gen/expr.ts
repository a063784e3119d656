// Kaitai's expression language as the generator accepts it (sizes, counts, conditions, switches,
// value instances): integer, float, boolean, string and array literals, fields (and fields inside
// them), params, instances, enum members, operators, methods (`.size`, `.to_i`, `.to_s`, ...) and
// indexing (`a[i]`). Parsing is here; names and types are resolved in refs.ts and expr-types.ts.
// Anything else is refused by name.

import type { EnumDef, Field, Instance, Param, TypeDef } from './model.js';
import { isByteLiteral, typeOf, type VType } from './expr-types.js';

export type Expr =
  /** `big`: the exact value of a literal beyond 2^53 (up to 2^64 - 1; `value` is the nearest double, as Kaitai's JS has it). */
  | { k: 'int'; value: number; big?: bigint }
  | { k: 'bool'; value: boolean }
  /** A float literal (`1024.0`, `24000.`, `1e3`). */
  | { k: 'float'; value: number }
  /** A string literal (`"ssh-rsa"` with escapes, `'raw'` without). */
  | { k: 'str'; value: string }
  /** An array literal (`[137, 80, 78]`): bytes when every element is an integer literal of 0..255. */
  | { k: 'arr'; items: Expr[] }
  /**
   * `.name` or `.name(args)` after a value that is not a user-type field path: a method (`size`,
   * `to_i`, `first`, ...) or, after indexing (`a[i].ofs`), a field of the element (`field`).
   */
  | { k: 'attr'; obj: Expr; name: string; args?: Expr[]; field?: Field; instance?: Instance; param?: Param }
  /** `a[i]`: an element of an array or a byte of a byte array. */
  | { k: 'at'; obj: Expr; idx: Expr }
  /** `~x`: bitwise not of a 64-bit integer. */
  | { k: 'inv'; e: Expr }
  /**
   * A field of the same type (`name`), or a field inside it (`name.path[0].path[1]...`, fields of
   * earlier user-type fields). The loader resolves `path` to `pathFields`.
   */
  /** `fromRoot`: a field (path) of the decoded root value, looked up when used (`_root.a.b` in a parse instance's pos). */
  /** `building`: the repeated field whose element is being read, as read so far (`groups[_index - 1]` in its own arguments). */
  | { k: 'ref'; name: string; path?: string[]; pathFields?: Field[]; instance?: Instance; param?: boolean; up?: Up; field?: Field; paramDef?: Param; fromRoot?: TypeDef; building?: true }
  /**
   * `_` in `repeat-until`: the element just read, or a field inside it (`_.len`); the loader
   * resolves `path` to `pathFields`.
   */
  | { k: 'item'; path?: string[]; pathFields?: Field[]; vt?: VType }
  /** `_index` in `repeat-until`: how many elements have been read, the current one included. */
  | { k: 'index' }
  /**
   * `_io.size`, `_io.pos`, `_io.eof`: the stream the type is read from; with `root`,
   * `_root._io.size`: the stream the whole decode reads (Kaitai's root object's stream).
   */
  | { k: 'io'; prop: 'size' | 'pos' | 'eof'; root?: boolean }
  /** `e::member`; with `toInt`, `e::member.to_i` (the loader makes it an integer literal). */
  | { k: 'enum'; path: string[]; member: string; toInt?: boolean; resolved?: { enumDef: EnumDef; memberId: string; value: number } }
  | { k: 'not'; e: Expr }
  | { k: 'neg'; e: Expr }
  | { k: 'bin'; op: BinOp; l: Expr; r: Expr }
  /** `c ? a : b` */
  | { k: 'cond'; c: Expr; a: Expr; b: Expr }
  /**
   * The value of a value instance whose `if` does not hold, where an expression uses it (only as
   * the `b` of a `cond`): Kaitai's JS gives undefined, its C# the type's default.
   */
  | { k: 'none' }
  /** `e.as<type>`: Kaitai's cast, to an integer type (the value as it is) or of an array literal to bytes. */
  | { k: 'cast'; e: Expr; to: string }
  /**
   * `field._sizeof` (or `field.inner._sizeof`), or `sizeof<type>` (`ofType`, `name` the type): the
   * loader replaces it by the fixed size.
   */
  | { k: 'sizeof'; name: string; path: string[]; root?: boolean; ofType?: boolean };

/**
 * `_parent.x` (`parents: 1`), `_parent._parent.x` (2, ...) or `_root.x`: a name of an object the
 * type is read inside. The loader turns it into a value the using type passes in (see parent-root.ts).
 */
export type Up = { parents: number } | { root: true };

export type BinOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or' | BitOp;
/** Bit operators: Kaitai computes them on 64-bit integers (shift counts taken modulo 64, as C# does). */
export type BitOp = '&' | '|' | '^' | '<<' | '>>';
export const BIT_OPS: readonly string[] = ['&', '|', '^', '<<', '>>'];

export class ExprError extends Error {}

const TOKEN =
  /\s*(?:([0-9][0-9_]*(?:\.(?![a-z_])[0-9_]*(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+))|(0x[0-9a-fA-F_]+|0b[01_]+|0o[0-7_]+|[0-9][0-9_]*)|([a-z_][a-z0-9_]*(?:::[a-z_][a-z0-9_]*)*)|(==|!=|<=|>=|<<|>>|[-+*/%<>().?:&|^~\[\],])|("(?:[^"\\]|\\.)*"|'[^']*'))/y;

type Tok = { t: 'num'; v: number; big?: bigint } | { t: 'float'; v: number } | { t: 'id'; v: string } | { t: 'op'; v: string } | { t: 'str'; v: string };

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v', '"': '"', "'": "'", '\\': '\\' };

/** A string literal's text: double-quoted with Kaitai's escapes (`\n`, `\u0041`, octal `\101`), single-quoted as is. */
function unquote(lit: string): string {
  if (lit.startsWith("'")) return lit.slice(1, -1);
  return lit.slice(1, -1).replace(/\\(u[0-9a-fA-F]{4}|[0-7]{1,3}|.)/g, (m, x: string) => {
    if (x.startsWith('u')) return String.fromCharCode(parseInt(x.slice(1), 16));
    if (/^[0-7]/.test(x)) return String.fromCharCode(parseInt(x, 8));
    const c = ESCAPES[x];
    if (c === undefined) throw new ExprError(`unknown escape '${m}' in a string literal`);
    return c;
  });
}

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  let i = 0;
  while (i < src.length) {
    if (/^\s*$/.test(src.slice(i))) break;
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(src);
    if (!m) {
      const at = src.slice(i).search(/\S/) + i;
      throw new ExprError(`unsupported expression ${JSON.stringify(src)}: '${src.charAt(at)}' at position ${at} is not supported (supported: see docs/formats.md, Expressions)`);
    }
    i = TOKEN.lastIndex;
    if (m[1] !== undefined) out.push({ t: 'float', v: Number(m[1].replaceAll('_', '')) });
    else if (m[2] !== undefined) {
      const text = m[2].replaceAll('_', '');
      const n = Number(text);
      if (Number.isSafeInteger(n)) out.push({ t: 'num', v: n });
      else {
        // Up to 2^64 - 1 (a u8 value): a number in Kaitai's JS (the nearest double), in C# the same 64 bits.
        const big = BigInt(text);
        if (big > 0xffff_ffff_ffff_ffffn) throw new ExprError(`integer ${m[2]} is out of range (64-bit integers are supported)`);
        out.push({ t: 'num', v: n, big });
      }
    } else if (m[3] !== undefined) out.push({ t: 'id', v: m[3] });
    else if (m[4] !== undefined) out.push({ t: 'op', v: m[4] });
    else out.push({ t: 'str', v: unquote(m[5]!) });
  }
  return out;
}

/** Parses Kaitai expression text (or a YAML number/boolean) into the supported subset. */
export function parseExpr(source: unknown): Expr {
  if (typeof source === 'number') {
    if (!Number.isInteger(source)) return { k: 'float', value: source };
    if (!Number.isSafeInteger(source)) throw new ExprError(`number ${source} is not a supported integer`);
    return { k: 'int', value: source };
  }
  if (typeof source === 'boolean') return { k: 'bool', value: source };
  if (typeof source !== 'string') throw new ExprError(`expected an expression, got ${JSON.stringify(source)}`);
  const toks = tokenize(source);
  let p = 0;
  const peek = (): Tok | undefined => toks[p];
  const isOp = (v: string): boolean => {
    const t = peek();
    return t !== undefined && (t.t === 'op' || t.t === 'id') && t.v === v;
  };
  /** `.as<type>` next: a cast, not a name of the path. */
  const isCast = (): boolean => toks[p + 1]?.v === 'as' && toks[p + 2]?.v === '<';
  // Kaitai's precedence (Python's): comparisons, then | ^ & and shifts, then arithmetic.
  const levels: BinOp[][] = [['or'], ['and'], ['==', '!=', '<', '<=', '>', '>='], ['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];
  function binary(level: number): Expr {
    if (level === levels.length) return unary();
    let l = binary(level + 1);
    for (;;) {
      const op = levels[level]!.find((o) => isOp(o));
      if (op === undefined) return l;
      p++;
      l = { k: 'bin', op, l, r: binary(level + 1) };
    }
  }
  // Kaitai's `c ? a : b`: below `or`, grouping to the right.
  function ternary(): Expr {
    const c = binary(0);
    if (!isOp('?')) return c;
    p++;
    const a = ternary();
    if (!isOp(':')) throw new ExprError(`missing ':' in ${JSON.stringify(source)}`);
    p++;
    return { k: 'cond', c, a, b: ternary() };
  }
  function unary(): Expr {
    if (isOp('not')) {
      p++;
      return { k: 'not', e: unary() };
    }
    if (isOp('-')) {
      p++;
      return { k: 'neg', e: unary() };
    }
    // Unary plus (`+1`) is the number itself.
    if (isOp('+')) {
      p++;
      return unary();
    }
    if (isOp('~')) {
      p++;
      return { k: 'inv', e: unary() };
    }
    return postfix(primary());
  }
  /** `.method`, `.method(args)`, `.field` (after indexing) and `[i]` after a value. */
  function postfix(e: Expr): Expr {
    for (;;) {
      if (isOp('[')) {
        p++;
        const idx = ternary();
        if (!isOp(']')) throw new ExprError(`missing ']' in ${JSON.stringify(source)}`);
        p++;
        e = { k: 'at', obj: e, idx };
        continue;
      }
      if (!isOp('.')) return e;
      p++;
      const m = toks[p++];
      if (m === undefined || m.t !== 'id' || m.v.includes('::')) throw new ExprError(`expected a name after '.' in ${JSON.stringify(source)}`);
      if (m.v.startsWith('_')) throw new ExprError(`'.${m.v}' in ${JSON.stringify(source)} is not supported here`);
      if (m.v === 'as' && isOp('<')) {
        const to = toks[p + 1];
        if (to?.t !== 'id' || toks[p + 2]?.v !== '>') throw new ExprError(`expected '.as<type>' in ${JSON.stringify(source)}`);
        p += 3;
        e = { k: 'cast', e, to: to.v };
        continue;
      }
      if (isOp('(')) {
        p++;
        const args: Expr[] = [];
        while (!isOp(')')) {
          args.push(ternary());
          if (isOp(',')) p++;
          else if (!isOp(')')) throw new ExprError(`missing ')' in ${JSON.stringify(source)}`);
        }
        p++;
        e = { k: 'attr', obj: e, name: m.v, args };
      } else e = { k: 'attr', obj: e, name: m.v };
    }
  }
  function primary(): Expr {
    const t = toks[p++];
    if (t === undefined) throw new ExprError(`expression ${JSON.stringify(source)} ends too early`);
    if (t.t === 'num') return t.big === undefined ? { k: 'int', value: t.v } : { k: 'int', value: t.v, big: t.big };
    if (t.t === 'float') return { k: 'float', value: t.v };
    if (t.t === 'str') return { k: 'str', value: t.v };
    if (t.t === 'op' && t.v === '[') {
      const items: Expr[] = [];
      while (!isOp(']')) {
        items.push(ternary());
        if (isOp(',')) p++;
        else if (!isOp(']')) throw new ExprError(`missing ']' in ${JSON.stringify(source)}`);
      }
      p++;
      return { k: 'arr', items };
    }
    if (t.t === 'op' && t.v === '(') {
      const e = ternary();
      if (!isOp(')')) throw new ExprError(`missing ')' in ${JSON.stringify(source)}`);
      p++;
      return e;
    }
    if (t.t === 'id') {
      if (t.v === 'true' || t.v === 'false') return { k: 'bool', value: t.v === 'true' };
      if (t.v.includes('::')) {
        const parts = t.v.split('::');
        const e: Expr = { k: 'enum', path: parts.slice(0, -1), member: parts[parts.length - 1]! };
        if (isOp('.') && toks[p + 1]?.v === 'to_i') {
          p += 2;
          return { ...e, toInt: true };
        }
        return e;
      }
      if (t.v === 'sizeof' && isOp('<')) {
        const to = toks[p + 1];
        if (to?.t !== 'id' || toks[p + 2]?.v !== '>') throw new ExprError(`expected 'sizeof<type>' in ${JSON.stringify(source)}`);
        p += 3;
        return { k: 'sizeof', name: to.v, path: [], ofType: true };
      }
      if (t.v === '_index') return { k: 'index' };
      if (t.v === '_') {
        const path: string[] = [];
        while (isOp('.') && toks[p + 2]?.v !== '(' && !isCast()) {
          p++;
          const m = toks[p++];
          if (m === undefined || m.t !== 'id' || m.v.includes('::') || m.v.startsWith('_'))
            throw new ExprError(`'_.${m?.v ?? ''}' in ${JSON.stringify(source)} is not supported (only fields of the element)`);
          path.push(m.v);
        }
        return path.length ? { k: 'item', path } : { k: 'item' };
      }
      if (t.v === '_io' && isOp('.')) {
        p++;
        const m = toks[p++];
        if (m === undefined || m.t !== 'id' || !['size', 'pos', 'eof'].includes(m.v) || isOp('.') || isOp('('))
          throw new ExprError(`'_io.${m?.v ?? ''}' in ${JSON.stringify(source)} is not supported (_io.size, _io.pos and _io.eof are)`);
        return { k: 'io', prop: m.v as 'size' | 'pos' | 'eof' };
      }
      if (t.v === '_root' && isOp('.') && toks[p + 1]?.v === '_io' && toks[p + 2]?.v === '.') {
        const m = toks[p + 3];
        p += 4;
        if (m?.v !== 'size' || isOp('.') || isOp('('))
          throw new ExprError(`'_root._io.${m?.v ?? ''}' in ${JSON.stringify(source)} is not supported (_root._io.size is)`);
        return { k: 'io', prop: 'size', root: true };
      }
      if ((t.v === '_parent' || t.v === '_root') && isOp('.')) {
        let up: Up = t.v === '_root' ? { root: true } : { parents: 1 };
        while (t.v === '_parent' && isOp('.') && toks[p + 1]?.v === '_parent') {
          p += 2;
          up = { parents: (up as { parents: number }).parents + 1 };
        }
        const names: string[] = [];
        while (isOp('.') && (names.length === 0 || (toks[p + 2]?.v !== '(' && !isCast()))) {
          p++;
          const m = toks[p++];
          if (m === undefined || m.t !== 'id' || m.v.includes('::')) throw new ExprError(`expected a field name after '.' in ${JSON.stringify(source)}`);
          // `_root.header._sizeof`: the size of a field of the root type, known when compiling.
          if (t.v === '_root' && m.v === '_sizeof' && names.length > 0 && !isOp('.') && !isOp('(')) return { k: 'sizeof', name: names[0]!, path: names.slice(1), root: true };
          if (m.v.startsWith('_') || isOp('('))
            throw new ExprError(`'${t.v}${names.map((n) => `.${n}`).join('')}.${m.v}' in ${JSON.stringify(source)} is not supported (fields and instances of ${t.v} are)`);
          names.push(m.v);
        }
        return names.length > 1 ? { k: 'ref', name: names[0]!, path: names.slice(1), up } : { k: 'ref', name: names[0]!, up };
      }
      if (t.v.startsWith('_')) throw new ExprError(`'${t.v}' is not supported in expressions (only fields of the same type and fields inside them)`);
      const path: string[] = [];
      // Names up to a method call (`a.b.substring(1, 2)`): the loader tells fields from methods.
      while (isOp('.') && toks[p + 2]?.v !== '(' && !isCast()) {
        p++;
        const m = toks[p++];
        if (m === undefined || m.t !== 'id' || m.v.includes('::')) throw new ExprError(`expected a field name after '.' in ${JSON.stringify(source)}`);
        if (m.v === '_sizeof' && !isOp('.') && !isOp('(')) return { k: 'sizeof', name: t.v, path };
        if (m.v.startsWith('_'))
          throw new ExprError(`'.${m.v}' in ${JSON.stringify(source)} is not supported (only fields of earlier user-type fields)`);
        path.push(m.v);
      }
      return path.length ? { k: 'ref', name: t.v, path } : { k: 'ref', name: t.v };
    }
    throw new ExprError(`unexpected '${t.v}' in ${JSON.stringify(source)} (supported: see docs/formats.md, Expressions)`);
  }
  const e = ternary();
  if (p !== toks.length) {
    const rest = toks.slice(p).map((t) => String(t.v)).join(' ');
    throw new ExprError(`unsupported expression ${JSON.stringify(source)}: cannot use '${rest}' (supported: see docs/formats.md, Expressions)`);
  }
  return e;
}

export function isBoolExpr(e: Expr): boolean {
  if (e.k === 'bool' || e.k === 'not' || (e.k === 'io' && e.prop === 'eof')) return true;
  if (e.k === 'bin') return !['+', '-', '*', '/', '%', ...BIT_OPS].includes(e.op);
  if (e.k === 'cond') return isBoolExpr(e.a);
  if (e.k === 'ref' && e.instance?.value) return isBoolExpr(e.instance.value);
  return false;
}

/** The direct sub-expressions of `e`. */
function children(e: Expr): Expr[] {
  switch (e.k) {
    case 'cond':
      return [e.c, e.a, e.b];
    case 'not':
    case 'neg':
    case 'inv':
    case 'cast':
      return [e.e];
    case 'bin':
      return [e.l, e.r];
    case 'arr':
      return e.items;
    case 'attr':
      return [e.obj, ...(e.args ?? [])];
    case 'at':
      return [e.obj, e.idx];
    default:
      return [];
  }
}

/** Every sub-expression, depth-first. */
export function walkExpr(e: Expr, visit: (x: Expr) => void): void {
  visit(e);
  for (const c of children(e)) walkExpr(c, visit);
}

/** A copy of `e` with every node first given to `f` (which may replace it). */
export function mapExpr(e: Expr, f: (x: Expr) => Expr | undefined): Expr {
  const r = f(e);
  if (r !== undefined) return r;
  const m = (x: Expr): Expr => mapExpr(x, f);
  switch (e.k) {
    case 'not':
    case 'neg':
    case 'inv':
    case 'cast':
      return { ...e, e: m(e.e) };
    case 'bin':
      return { ...e, l: m(e.l), r: m(e.r) };
    case 'cond':
      return { ...e, c: m(e.c), a: m(e.a), b: m(e.b) };
    case 'arr':
      return { ...e, items: e.items.map(m) };
    case 'attr':
      return e.args ? { ...e, obj: m(e.obj), args: e.args.map(m) } : { ...e, obj: m(e.obj) };
    case 'at':
      return { ...e, obj: m(e.obj), idx: m(e.idx) };
    default:
      return e;
  }
}

/** Names of the fields an expression reads. */
export function refsOf(e: Expr, out: string[] = []): string[] {
  walkExpr(e, (x) => {
    if (x.k === 'ref') out.push(x.name);
  });
  return out;
}

/** The value of an expression made of literals only (a constant size or count), else undefined. */
export function constValue(e: Expr): number | undefined {
  switch (e.k) {
    case 'int':
      // NaN: a `_sizeof` not yet known (see the loader); not a constant until then.
      return Number.isNaN(e.value) ? undefined : e.value;
    case 'neg': {
      const v = constValue(e.e);
      return v === undefined ? undefined : -v;
    }
    case 'bin': {
      const l = constValue(e.l);
      const r = constValue(e.r);
      if (l === undefined || r === undefined) return undefined;
      if (e.op === '+') return l + r;
      if (e.op === '-') return l - r;
      if (e.op === '*') return l * r;
      if (e.op === '/' && r !== 0) return Math.floor(l / r);
      if (e.op === '%' && r !== 0) return ((l % r) + r) % r;
      return undefined;
    }
    default:
      return undefined;
  }
}

export interface ExprStyle {
  /** A field of the same type; `e.pathFields` are the fields inside it that a dotted reference reads. */
  ref(name: string, e: Extract<Expr, { k: 'ref' }>): string;
  enumValue(e: Extract<Expr, { k: 'enum' }>): string;
  /** `root`: the root's stream (`_root._io`), else the type's own. */
  io(prop: 'size' | 'pos' | 'eof', root: boolean): string;
  /** `_` and `_.field` in repeat-until (only where a repeat-until condition is rendered). */
  item?(e: Extract<Expr, { k: 'item' }>): string;
  /** `_index` in repeat-until. */
  index?(): string;
  and: string;
  or: string;
  not: string;
  eq: string;
  ne: string;
  /** Kaitai's integer division (floor) and modulo (non-negative for a positive divisor). */
  div(l: string, r: string): string;
  mod(l: string, r: string): string;
  /** Division and remainder where a side is a float. */
  fdiv(l: string, r: string): string;
  fmod(l: string, r: string): string;
  /** A bit operator on 64-bit integers. */
  bit(op: BitOp, l: string, r: string): string;
  /** `~x` on a 64-bit integer. */
  inv(x: string): string;
  float(v: number): string;
  /** An integer literal beyond 2^53 (default: the nearest double, as Kaitai's JS computes with it). */
  bigInt?(v: bigint): string;
  str(v: string): string;
  /** A byte-array literal (`[0x89, 0x50]`). */
  bytes(items: number[]): string;
  /** An array literal of another element type. */
  array(items: string[], of: VType): string;
  /** `==`, `<`, ... on two strings, two byte arrays or two booleans. */
  compare(op: '==' | '!=' | '<' | '<=' | '>' | '>=', l: string, r: string, type: VType): string;
  /** `a + b` on strings. */
  concat(l: string, r: string): string;
  /** A value instance without a value (its `if` does not hold). */
  none: string;
  /** An array literal of integers cast to bytes (`[a, b].as<bytes>`): each taken modulo 256. */
  toBytes(items: string[]): string;
  /** A method of `obj` (a value of type `objType`), or a field of an element (`e.field`). */
  attr(obj: string, e: Extract<Expr, { k: 'attr' }>, objType: VType, args: string[]): string;
  /** `obj[idx]`. */
  at(obj: string, idx: string, objType: VType): string;
}

/** Renders an expression for a target language, fully parenthesised where it matters. */
export function renderExpr(e: Expr, style: ExprStyle): string {
  const r = (x: Expr): string => renderExpr(x, style);
  switch (e.k) {
    case 'int':
      return e.big !== undefined && style.bigInt ? style.bigInt(e.big) : String(e.value);
    case 'bool':
      return String(e.value);
    case 'float':
      return style.float(e.value);
    case 'str':
      return style.str(e.value);
    case 'arr':
      if (isByteLiteral(e)) return style.bytes(e.items.map((x) => (x as { value: number }).value));
      return style.array(e.items.map(r), (typeOf(e) as { of: VType }).of);
    case 'ref':
      return style.ref(e.name, e);
    case 'enum':
      return style.enumValue(e);
    case 'io':
      return style.io(e.prop, e.root === true);
    case 'item':
      if (!style.item) throw new Error("'_' outside repeat-until");
      return style.item(e);
    case 'index':
      if (!style.index) throw new Error("'_index' outside repeat-until");
      return style.index();
    case 'not':
      return `${style.not}(${r(e.e)})`;
    case 'neg':
      return `-(${r(e.e)})`;
    case 'inv':
      return style.inv(r(e.e));
    case 'sizeof':
      throw new Error('_sizeof left unresolved by the loader');
    case 'cond':
      return `(${r(e.c)} ? ${r(e.a)} : ${r(e.b)})`;
    case 'none':
      return style.none;
    case 'cast':
      // Integer casts keep the value (Kaitai's JS does nothing; every integer is a long in C#).
      if (e.to === 'bytes' && e.e.k === 'arr' && !isByteLiteral(e.e)) return style.toBytes(e.e.items.map(r));
      return r(e.e);
    case 'attr':
      return style.attr(r(e.obj), e, typeOf(e.obj), (e.args ?? []).map(r));
    case 'at':
      return style.at(r(e.obj), r(e.idx), typeOf(e.obj));
    case 'bin': {
      const lt = typeOf(e.l);
      const rt = typeOf(e.r);
      const ints = lt.t === 'int' && rt.t === 'int';
      if (e.op === '/') return ints ? style.div(r(e.l), r(e.r)) : style.fdiv(r(e.l), r(e.r));
      if (e.op === '%') return ints ? style.mod(r(e.l), r(e.r)) : style.fmod(r(e.l), r(e.r));
      if (BIT_OPS.includes(e.op)) return style.bit(e.op as BitOp, r(e.l), r(e.r));
      if (e.op === '+' && lt.t === 'str') return style.concat(r(e.l), r(e.r));
      if (['==', '!=', '<', '<=', '>', '>='].includes(e.op) && (lt.t === 'str' || lt.t === 'bytes' || lt.t === 'bool'))
        return style.compare(e.op as '==', r(e.l), r(e.r), lt);
      const op = e.op === 'and' ? style.and : e.op === 'or' ? style.or : e.op === '==' ? style.eq : e.op === '!=' ? style.ne : e.op;
      const side = (x: Expr): string => (x.k === 'bin' ? `(${r(x)})` : r(x));
      return `${side(e.l)} ${op} ${side(e.r)}`;
    }
  }
}
