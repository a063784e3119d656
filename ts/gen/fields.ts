// Pass 2 of loading a spec: one seq entry (or a parse instance's body) into a Field, refusing
// what the supported subset cannot express with the spec path, the field and the reason.
import { ExprError, constValue, isBoolExpr, mapExpr, parseExpr, walkExpr, type Expr } from './expr.js';
import { SINGLE_BYTE_PAGES, encodingUnit, normalizeEncoding, pascal, camel, type CaseType, type SwitchCase, type Encoding, type Endian, type EnumDef, type Field, type FieldType, type FloatType, type IntType, type BitsType, type Size, type TypeDef, type ValidCheck } from './model.js';
import { finalChecks, resolveItems, resolveRefs, setBuilding, type Scope } from './refs.js';
import { aType, fieldVType, typeOf, type VType } from './expr-types.js';
import { SpecError, docOf, isMap, keysOf, type Yaml } from './spec-yaml.js';
import { WHY, findEnum, findType, type Ctx } from './type-tree.js';
import { declaredParams } from './up-params.js';

const ATTR_KEYS = new Set(['id', 'type', 'size', 'size-eos', 'encoding', 'process', 'contents', 'repeat', 'repeat-expr', 'repeat-until', 'if', 'enum', 'doc', 'doc-ref', 'valid', 'terminator', 'include', 'consume', 'pad-right', 'eos-error']);

export function defineField(ctx: Ctx, t: TypeDef, attr: unknown, at: string, scope: Scope = 'seq'): Field {
  if (!isMap(attr)) throw new SpecError(ctx.file, at, 'a seq entry must be a map', 'INVALID_ARGUMENT');
  // An unnamed entry is read and kept out of sight, named as Kaitai names it (`_unnamed3`).
  const unnamed = attr['id'] === undefined && scope === 'seq' && /\/seq\/\d+$/.test(at);
  const id = unnamed ? `_unnamed${/\d+$/.exec(at)![0]}` : attr['id'];
  if (typeof id !== 'string') throw new SpecError(ctx.file, at, 'every seq entry needs an id', 'INVALID_ARGUMENT');
  const where = `${at} (${t.name}.${id})`;
  const fail = (problem: string, code: 'UNSUPPORTED' | 'INVALID_ARGUMENT' = 'UNSUPPORTED'): never => {
    throw new SpecError(ctx.file, where, problem, code);
  };
  for (const k of keysOf(attr)) if (!ATTR_KEYS.has(k)) fail(WHY[k] ?? `'${k}' is not supported`);
  // `_index` is the index of the element being read: in the size, arguments and switch of a
  // repeated field (each element's own), and in repeat-until.
  const repeated = attr['repeat'] !== undefined;
  const indexOk = (key: string): boolean => key === 'repeat-until' || (repeated && (key === 'size' || key === 'switch-on'));
  let indexed = false;
  const expr = (key: string): Expr => {
    try {
      const e = parseExpr(attr[key]);
      walkExpr(e, (x) => {
        if (x.k === 'index' && !indexOk(key)) fail(`${key}: '_index' ${repeated ? 'is not supported here' : 'outside a repeated field'}`);
        if (x.k === 'index' && key !== 'repeat-until') indexed = true;
      });
      return checkRefs(e);
    } catch (e) {
      if (e instanceof ExprError) return fail(`${key}: ${e.message}`);
      throw e;
    }
  };
  const checkRefs = (e: Expr): Expr => resolveRefs(t, e, scope, where, fail);
  const sizeOf = (): Size | undefined => {
    if (attr['size-eos'] === true) {
      if (attr['size'] !== undefined) fail('size and size-eos together', 'INVALID_ARGUMENT');
      return { eos: true };
    }
    if (attr['size'] === undefined) return undefined;
    const e = expr('size');
    if (isBoolExpr(e)) fail('size must be an integer expression', 'INVALID_ARGUMENT');
    expectType(e, 'int', 'size', fail);
    return { expr: e };
  };
  const encodingOf = (): Encoding => {
    const enc = (attr['encoding'] ?? ctx.encoding) as unknown;
    if (typeof enc !== 'string') return fail('a string needs an encoding (field or meta/encoding)', 'INVALID_ARGUMENT');
    const norm = normalizeEncoding(enc);
    if (norm === undefined) return fail(encodingRefusal(enc));
    return norm;
  };

  /** `name` or `name(args)`: a user type and the values passed to its params, in this type's terms. */
  const userCall = (typeName: string, what: string): Extract<FieldType, { t: 'user' }> => {
    const call = /^([^(]+)\((.*)\)$/s.exec(typeName.trim());
    const name = call ? call[1]!.trim() : typeName;
    const target = findType(t, name);
    if (!target) return fail(`${what}unknown type '${name}'`, 'INVALID_ARGUMENT');
    const args = call ? splitArgs(call[2]!).map((a, i) => {
      try {
        const e = parseExpr(a);
        walkExpr(e, (x) => {
          if (x.k === 'item') fail(`${what}argument ${i + 1} of ${name}: '_' is not supported in an argument`);
          if (x.k === 'index' && !repeated) fail(`${what}argument ${i + 1} of ${name}: '_index' outside a repeated field`, 'INVALID_ARGUMENT');
          if (x.k === 'index') indexed = true;
        });
        return checkRefs(e);
      } catch (e) {
        if (e instanceof ExprError) return fail(`${what}argument ${i + 1} of ${name}: ${e.message}`);
        throw e;
      }
    }) : [];
    if (args.length !== declaredParams(target).length) fail(`${what}type '${name}' takes ${declaredParams(target).length} argument(s), ${args.length} given`, 'INVALID_ARGUMENT');
    return args.length ? { t: 'user', type: target, size: undefined, args } : { t: 'user', type: target, size: undefined };
  };

  let type: FieldType;
  const typeName = attr['type'];
  // The size, switch and arguments of a repeated field may name the field: the elements read so far.
  const selfRefs = setBuilding(repeated && scope === 'seq' ? id : undefined);
  const size = sizeOf();
  const delimKeys = ['terminator', 'include', 'consume', 'pad-right', 'eos-error'].filter((k) => attr[k] !== undefined);
  const byteOf = (key: string): number => {
    const b = attr[key];
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) return fail(`${key} must be a byte (0..255)`, 'INVALID_ARGUMENT');
    return b;
  };
  const flag = (key: string, dflt: boolean): boolean => {
    const b = attr[key] ?? dflt;
    if (typeof b !== 'boolean') return fail(`${key} must be true or false`, 'INVALID_ARGUMENT');
    return b;
  };
  const delimited = (encoding: Encoding | undefined, defaultTerm: number | undefined): FieldType => {
    const term = attr['terminator'] !== undefined ? byteOf('terminator') : (defaultTerm ?? -1);
    const pad = attr['pad-right'] !== undefined ? byteOf('pad-right') : -1;
    const include = flag('include', false);
    const eosError = flag('eos-error', true);
    if (!flag('consume', true)) fail('consume: false is not supported (the terminator is left to the next field, so the field cannot be written back faithfully)');
    if (size && 'eos' in size) fail('size-eos with terminator or pad-right is not supported');
    if (size === undefined && term < 0) fail('needs a size or a terminator', 'INVALID_ARGUMENT');
    if (size === undefined && pad >= 0) fail('pad-right needs a size', 'INVALID_ARGUMENT');
    if (size !== undefined && include) fail('include with a size is not supported');
    if (encoding && encodingUnit(encoding) !== 1) fail(`terminator, pad-right, include or eos-error on a ${encoding} string is not supported (strz is)`);
    return { t: 'delimited', encoding, size, term, include, eosError, pad };
  };
  if (attr['contents'] !== undefined) {
    if (typeName !== undefined) fail('contents cannot have a type', 'INVALID_ARGUMENT');
    type = { t: 'contents', bytes: contentsBytes(attr['contents'], fail) };
    // A size that says the contents' own length adds nothing; any other would pad or cut them.
    if (size !== undefined && !('expr' in size && constValue(size.expr) === type.bytes.length)) fail(`contents with a size other than its length (${type.bytes.length}) is not supported`);
  } else if (typeName === undefined) {
    if (delimKeys.length) type = delimited(undefined, undefined);
    else {
      if (size === undefined) fail('a field needs a type, a size, size-eos or contents', 'INVALID_ARGUMENT');
      type = { t: 'bytes', size: size! };
    }
  } else if (isMap(typeName)) {
    const on = typeName['switch-on'];
    const cases = typeName['cases'];
    if (on === undefined || !isMap(cases)) fail('type must be a name or {switch-on, cases}', 'INVALID_ARGUMENT');
    let onExpr: Expr;
    try {
      onExpr = parseExpr(on);
      walkExpr(onExpr, (x) => {
        if (x.k === 'index' && !repeated) fail("switch-on: '_index' outside a repeated field", 'INVALID_ARGUMENT');
        if (x.k === 'index') indexed = true;
      });
      onExpr = checkRefs(onExpr);
    } catch (e) {
      if (e instanceof ExprError) fail(`switch-on: ${e.message}`);
      throw e;
    }
    let fallback: CaseType | undefined;
    const list: SwitchCase[] = [];
    for (const [key, caseType] of Object.entries(cases as Yaml)) {
      if (typeof caseType !== 'string') fail(`switch case '${key}' must name a type`, 'INVALID_ARGUMENT');
      const name = (caseType as string).trim();
      const prim = primitive(name);
      let target: CaseType;
      if (prim) {
        const endian = name.endsWith('le') ? 'le' : name.endsWith('be') ? 'be' : ctx.endian;
        if (prim.size > 1 && endian === undefined && !ctx.endianSwitch) fail(`switch case '${key}': type '${name}' needs an endianness (meta/endian or ${name}le/${name}be)`, 'INVALID_ARGUMENT');
        target = numberType(prim, endian, ctx);
      } else if (/^b\d+(le|be)?$/.test(name)) {
        // A bit-sized integer, read from the bit stream as a field of that type would be.
        const m = /^b(\d+)(le|be)?$/.exec(name)!;
        const width = Number(m[1]);
        if (width < 1) fail(`switch case '${key}': '${name}' is not a bit-sized integer`, 'INVALID_ARGUMENT');
        if (width > 64) fail(`switch case '${key}': '${name}' is wider than 64 bits`, 'INVALID_ARGUMENT');
        target = { t: 'bits', width, endian: (m[2] as Endian | undefined) ?? ctx.bitEndian, bool: width === 1 };
      } else if (name === 'str' || name === 'strz') {
        // A string read as a field of that type would be: in a sized switch, of the switch's size.
        if (name === 'str' && size === undefined) fail(`switch case '${key}': str needs a size (give the switch a size or size-eos)`, 'INVALID_ARGUMENT');
        target = { t: 'str', encoding: encodingOf(), size, zeroTerminated: name === 'strz' };
      } else {
        if (name === 'bytes') fail(`switch case '${key}': 'bytes' is not supported as a switch case (user types, integers, floats, bit-sized integers and strings are)`);
        target = userCall(name, `switch case '${key}': `);
      }
      if (key === '_') {
        fallback = target;
        continue;
      }
      let match: Expr;
      try {
        match = checkRefs(parseExpr(/^-?\d+$/.test(key) ? Number(key) : key));
      } catch (e) {
        if (e instanceof ExprError) fail(`switch case '${key}': ${e.message}`);
        throw e;
      }
      if (match.k !== 'int' && match.k !== 'enum' && match.k !== 'bool' && match.k !== 'str') fail(`switch case '${key}': only integer, enum, boolean and string literals are supported`);
      list.push({ match, type: target });
    }
    // A switch of integers up to 32 bits (bit-sized ones too) reads a number, as a plain integer field would.
    const small = (x: CaseType | undefined): x is IntType | BitsType => x !== undefined && ((x.t === 'int' && x.size <= 4) || (x.t === 'bits' && !x.bool && x.width <= 32));
    const all = [...list.map((c) => c.type), ...(fallback ? [fallback] : [])];
    if (all.length && all.every(small) && size === undefined) {
      type = { t: 'intSwitch', on: onExpr!, cases: list.map((c) => ({ match: c.match, type: c.type as IntType | BitsType })), fallback: fallback as IntType | BitsType | undefined };
    } else {
      type = { t: 'switch', on: onExpr!, cases: list, fallback, size };
    }
  } else if (typeof typeName === 'string') {
    const prim = primitive(typeName);
    if (prim) {
      if (size !== undefined) fail(`size on a ${typeName} field is not supported`);
      if (prim.t !== 'float' && prim.t !== 'int') fail(`type '${typeName}' is not supported`);
      const endian = typeName.endsWith('le') ? 'le' : typeName.endsWith('be') ? 'be' : ctx.endian;
      if (prim.size > 1 && endian === undefined && !ctx.endianSwitch) fail(`type '${typeName}' needs an endianness (meta/endian or ${typeName}le/${typeName}be)`, 'INVALID_ARGUMENT');
      type = numberType(prim, endian, ctx);
    } else if (typeName === 'str' || typeName === 'strz') {
      if (delimKeys.length) type = delimited(encodingOf(), typeName === 'strz' ? 0 : undefined);
      else {
        if (typeName === 'str' && size === undefined) fail('str needs size, size-eos or a terminator', 'INVALID_ARGUMENT');
        type = { t: 'str', encoding: encodingOf(), size, zeroTerminated: typeName === 'strz' };
      }
    } else if (/^b\d+(le|be)?$/.test(typeName)) {
      const m = /^b(\d+)(le|be)?$/.exec(typeName)!;
      const width = Number(m[1]);
      if (size !== undefined) fail(`size on a ${typeName} field is not supported`);
      if (width < 1) fail(`'${typeName}' is not a bit-sized integer`, 'INVALID_ARGUMENT');
      if (width > 64) fail(`'${typeName}' is wider than 64 bits`, 'INVALID_ARGUMENT');
      type = { t: 'bits', width, endian: (m[2] as Endian | undefined) ?? ctx.bitEndian, bool: width === 1 && attr['enum'] === undefined };
    } else {
      const u = userCall(typeName, '');
      type = u.args ? { ...u, size } : { t: 'user', type: u.type, size };
    }
  } else {
    return fail('type must be a string or a switch', 'INVALID_ARGUMENT');
  }
  if (attr['encoding'] !== undefined && type.t !== 'str' && !(type.t === 'delimited' && type.encoding)) fail('encoding on a field that is not a string', 'INVALID_ARGUMENT');
  if (delimKeys.length && type.t !== 'delimited') fail(`${delimKeys.join(', ')}: only on bytes and strings`);
  if (attr['process'] !== undefined) {
    // zlib (the platform inflates it) and Kaitai's byte-by-byte transforms; custom processors are not supported.
    const proc = attr['process'];
    const call = typeof proc === 'string' ? /^(xor|rol|ror)\((.*)\)$/s.exec(proc.trim()) : null;
    if (proc !== 'zlib' && !call) fail(`process: ${String(proc)} is not supported (zlib, xor(key), rol(n) and ror(n) are)`);
    const what = call ? call[1]! : 'zlib';
    if ((type.t !== 'bytes' && type.t !== 'user') || !type.size) return fail(`process: ${what} is supported on sized bytes and sized user types (size or size-eos)`);
    if (!call) type = { ...type, process: 'zlib' };
    else {
      let arg: Expr;
      try {
        arg = checkRefs(parseExpr(call[2]!));
      } catch (e) {
        if (e instanceof ExprError) return fail(`process: ${what}: ${e.message}`);
        throw e;
      }
      const vt = (() => {
        try {
          return typeOf(arg);
        } catch (e) {
          if (e instanceof ExprError) return fail(`process: ${what}: ${e.message}`);
          throw e;
        }
      })();
      if (call[1] === 'xor') {
        const byteList = vt.t === 'array' && vt.of.t === 'int';
        if (vt.t !== 'int' && vt.t !== 'bytes' && !byteList) fail(`process: xor: the key must be an integer or bytes, not ${vt.t}`, 'INVALID_ARGUMENT');
        type = { ...type, bytewise: { op: 'xor', key: arg } };
      } else {
        if (vt.t !== 'int') fail(`process: ${what}: the number of bits must be an integer, not ${vt.t}`, 'INVALID_ARGUMENT');
        type = { ...type, bytewise: { op: call[1] as 'rol' | 'ror', bits: arg } };
      }
    }
  }

  setBuilding(undefined);
  if (selfRefs.length && attr['if'] !== undefined) fail(`'${id}' names itself (the elements read so far) and has an if (not supported)`);
  let repeat: Field['repeat'];
  const rep = attr['repeat'];
  if (rep === 'expr') {
    if (attr['repeat-expr'] === undefined) fail('repeat: expr needs repeat-expr', 'INVALID_ARGUMENT');
    const count = expr('repeat-expr');
    if (isBoolExpr(count)) fail('repeat-expr must be an integer expression', 'INVALID_ARGUMENT');
    expectType(count, 'int', 'repeat-expr', fail);
    repeat = { kind: 'expr', count };
  } else if (rep === 'eos') {
    repeat = { kind: 'eos' };
  } else if (rep === 'until') {
    if (attr['repeat-until'] === undefined) fail('repeat: until needs repeat-until', 'INVALID_ARGUMENT');
    const cond = expr('repeat-until');
    resolveItems(t, type, cond, where, fail);
    repeat = { kind: 'until', cond };
  } else if (rep !== undefined) {
    fail(`repeat: ${String(rep)} is not supported (expr, eos and until are)`);
  }
  if (attr['repeat-until'] !== undefined && rep !== 'until') fail('repeat-until without repeat: until', 'INVALID_ARGUMENT');
  if (type.t === 'contents' && repeat && repeat.kind !== 'expr') fail(`repeat: ${repeat.kind} on contents is not supported (repeat: expr is)`);
  // Repeated, a switch of integers adds no element where no case matches (as Kaitai reads it).
  if (type.t === 'intSwitch' && repeat?.kind === 'until') fail('repeat: until on a switch of integers is not supported (expr and eos are)');

  let cond: Expr | undefined;
  if (attr['if'] !== undefined) {
    cond = expr('if');
    expectType(cond, 'bool', 'if', fail);
  }

  let enumDef: EnumDef | undefined;
  if (attr['enum'] !== undefined) {
    if (type.t !== 'int' && type.t !== 'bits') fail('enum on a field that is not an integer', 'INVALID_ARGUMENT');
    if (type.t === 'bits' && type.width > 53) fail(`an enum on a bit-sized integer wider than 53 bits is not supported`);
    const parts = String(attr['enum']).split('::');
    enumDef = findEnum(t, parts.slice(0, -1), parts[parts.length - 1]!);
    if (!enumDef) return fail(`unknown enum '${String(attr['enum'])}'`, 'INVALID_ARGUMENT');
    // An enum on a 64-bit field holds bigint values (exact); used on smaller fields too, it cannot.
    if (type.t === 'int' && type.size === 8) enumDef.wide = true;
    // A member that does not fit the field (`-1` on a u1) never matches a value read, as in Kaitai.
  }
  let validInEnum = false;
  let validEq: number | undefined;
  let validCheck: ValidCheck | undefined;
  const valid = attr['valid'];
  if (valid !== undefined) {
    if (isMap(valid) && Object.keys(valid).length === 1 && valid['in-enum'] === true && enumDef) validInEnum = true;
    else if ((type.t === 'int' || (type.t === 'bits' && !type.bool)) && typeof valid === 'number') validEq = valid;
    else if ((type.t === 'int' || (type.t === 'bits' && !type.bool)) && isMap(valid) && Object.keys(valid).length === 1 && typeof valid['eq'] === 'number') validEq = valid['eq'];
    else if ((type.t === 'int' || (type.t === 'bits' && !type.bool)) && (typeof valid === 'string' || (isMap(valid) && keysOf(valid).every((k) => ['eq', 'min', 'max', 'any-of', 'expr'].includes(k))))) {
      const rules: Yaml = isMap(valid) ? valid : { eq: valid };
      const parsed = (v: unknown, key: string): Expr => {
        try {
          return checkRefs(ownValue(parseExpr(v), id));
        } catch (err) {
          if (err instanceof ExprError) return fail(`valid/${key}: ${err.message}`);
          throw err;
        }
      };
      const literal = (e: Expr): number | undefined => (e.k === 'enum' ? e.resolved?.value : constValue(e));
      // Lists: integer or enum literals (constant expressions).
      const constant = (v: unknown, key: string): number => literal(parsed(v, key)) ?? fail(`valid/${key}: only integer and enum literals are supported`);
      // Bounds: literals, or expressions over other fields (checked as `_ >= min`, as Kaitai does).
      const computed: Expr[] = [];
      const bound = (key: 'eq' | 'min' | 'max', op: '==' | '>=' | '<='): number | undefined => {
        if (rules[key] === undefined) return undefined;
        const e = parsed(rules[key], key);
        const n = literal(e);
        if (n === undefined || key === 'eq') computed.push({ k: 'bin', op, l: { k: 'item' }, r: e });
        return n;
      };
      validCheck = { text: JSON.stringify(valid).replaceAll('"', "'") };
      bound('eq', '==');
      const min = bound('min', '>=');
      const max = bound('max', '<=');
      if (min !== undefined) validCheck.min = min;
      if (max !== undefined) validCheck.max = max;
      if (computed.length) {
        if (type.t === 'int' && type.size === 8) fail('valid: bounds that are not literals on a 64-bit field are not supported');
        const all = computed.slice(1).reduce<Expr>((a, b) => ({ k: 'bin', op: 'and', l: a, r: b }), computed[0]!);
        validCheck.expr = validCheck.expr ? { k: 'bin', op: 'and', l: validCheck.expr, r: all } : all;
      }
      if (rules['any-of'] !== undefined) {
        if (!Array.isArray(rules['any-of'])) fail('valid/any-of must be a list', 'INVALID_ARGUMENT');
        validCheck.anyOf = (rules['any-of'] as unknown[]).map((x) => constant(x, 'any-of'));
      }
      if (rules['expr'] !== undefined) {
        if (type.t === 'int' && type.size === 8) fail('valid/expr on a 64-bit field is not supported');
        let e: Expr;
        try {
          e = checkRefs(ownValue(parseExpr(rules['expr']), id));
        } catch (err) {
          if (err instanceof ExprError) return fail(`valid/expr: ${err.message}`);
          throw err;
        }
        walkExpr(e, (x) => {
          if (x.k === 'item' && x.path) fail("valid/expr: '_' is the value itself here (no fields)");
          if (x.k === 'index') fail("valid/expr: '_index' is not supported here");
        });
        if (!isBoolExpr(e)) fail('valid/expr must be a boolean expression', 'INVALID_ARGUMENT');
        validCheck.expr = validCheck.expr ? { k: 'bin', op: 'and', l: validCheck.expr, r: e } : e;
      }
    }
    else if (!repeat && (type.t === 'bytes' || type.t === 'str' || type.t === 'float' || (type.t === 'bits' && type.bool) || type.t === 'delimited')) {
      validCheck = otherValid(valid, fieldVType({ type, repeat: undefined } as Field), id, checkRefs, fail);
    }
    else fail('valid: only in-enum: true (on an enum field), and eq, min, max, any-of and expr on integer, bit-sized, float, boolean, byte-array and string fields are supported');
  }
  if (valid !== undefined && repeat) fail('valid on a repeated field is not supported');
  const hidden = unnamed && type.t !== 'contents';
  if (hidden && (repeat || cond || !(['int', 'float', 'bits'].includes(type.t) || (type.t === 'bytes' && 'expr' in type.size) || (type.t === 'str' && !type.zeroTerminated && type.size !== undefined && 'expr' in type.size))))
    fail('an unnamed seq entry is supported as a single integer, float, bit-sized integer, sized bytes or sized string (no repeat, no if)');
  const field: Field = {
    id,
    specPath: at,
    doc: docOf(attr),
    type,
    repeat,
    cond,
    enumDef,
    validInEnum,
    validEq,
    ...(validCheck && { validCheck }),
    lengthOf: undefined,
    ...(hidden && { hidden: true as const }),
    ...((indexed as boolean) ? { indexed: true as const } : {}),
    csName: pascal(id),
    viewName: camel(id),
    ...(selfRefs.length ? { readsItself: true as const } : {}),
  };
  for (const r of selfRefs) r.field = field;
  return field;
}

/** Checks, once every name is resolved, that `e` is an integer (`size`, `repeat-expr`, `pos`) or a boolean (`if`). */
export function expectType(e: Expr, want: 'int' | 'bool', key: string, fail: (problem: string, code?: 'UNSUPPORTED' | 'INVALID_ARGUMENT') => never): void {
  finalChecks.push(() => {
    let got: VType;
    try {
      got = typeOf(e);
    } catch (err) {
      if (err instanceof ExprError) return; // reported by the check resolveRefs queued
      throw err;
    }
    if (got.t !== want) fail(`${key} must be ${want === 'int' ? 'an integer' : 'a boolean'} expression (this one is ${aType(got)})`, 'INVALID_ARGUMENT');
  });
}

/**
 * `valid` on a byte array, string, float or boolean: `eq`, `any-of`, `min`, `max` (literals or
 * expressions of the same type) and `expr`, as one condition on `_` (the value).
 */
/** The field's own name in its `valid` rules is its value (`_`), as in Kaitai's generated check. */
function ownValue(e: Expr, id: string | undefined): Expr {
  return mapExpr(e, (x) => (x.k === 'ref' && x.name === id && !x.path && !x.up ? { k: 'item' } : undefined));
}

function otherValid(valid: unknown, vt: VType, id: string | undefined, checkRefs: (e: Expr) => Expr, fail: (problem: string) => never): ValidCheck {
  const self: Expr = { k: 'item', vt };
  const one = (v: unknown, key: string): Expr => {
    try {
      const e = ownValue(parseExpr(v), id);
      walkExpr(e, (x) => {
        if (x.k === 'item') {
          if (x.path) fail(`valid/${key}: '_' is the value itself here (no fields)`);
          x.vt = vt;
        }
        if (x.k === 'index') fail(`valid/${key}: '_index' is not supported here`);
      });
      return checkRefs(e);
    } catch (err) {
      if (err instanceof ExprError) return fail(`valid/${key}: ${err.message}`);
      throw err;
    }
  };
  const and = (a: Expr | undefined, b: Expr): Expr => (a ? { k: 'bin', op: 'and', l: a, r: b } : b);
  let cond: Expr | undefined;
  const values: Expr[] = [];
  const rules = isMap(valid) ? valid : { eq: valid };
  for (const k of keysOf(rules)) if (!['eq', 'min', 'max', 'any-of', 'expr'].includes(k)) fail(`valid/${k} is not supported`);
  if (rules['eq'] !== undefined) {
    const v = one(rules['eq'], 'eq');
    values.push(v);
    cond = and(cond, { k: 'bin', op: '==', l: self, r: v });
  }
  if (rules['any-of'] !== undefined) {
    if (!Array.isArray(rules['any-of'])) fail('valid/any-of must be a list');
    const list = (rules['any-of'] as unknown[]).map((x) => one(x, 'any-of'));
    values.push(...list);
    cond = and(cond, list.map<Expr>((v) => ({ k: 'bin', op: '==', l: self, r: v })).reduce((a, b) => ({ k: 'bin', op: 'or', l: a, r: b })));
  }
  if (rules['min'] !== undefined) cond = and(cond, { k: 'bin', op: '>=', l: self, r: one(rules['min'], 'min') });
  if (rules['max'] !== undefined) cond = and(cond, { k: 'bin', op: '<=', l: self, r: one(rules['max'], 'max') });
  if (rules['expr'] !== undefined) cond = and(cond, one(rules['expr'], 'expr'));
  const e: Expr = cond ?? { k: 'bool', value: true };
  const c: ValidCheck = { expr: e, text: JSON.stringify(valid).replaceAll('"', "'") };
  if (values.length) c.values = values;
  finalChecks.push(() => {
    try {
      if (typeOf(e).t !== 'bool') fail('valid: the rule is not a boolean condition');
    } catch (err) {
      if (err instanceof ExprError) fail(`valid: ${err.message}`);
      throw err;
    }
  });
  return c;
}

/** Splits `a, (b, c), d` at its top-level commas. */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(' || ch === '[') depth++;
    if (ch === ')' || ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '' || out.length) out.push(cur.trim());
  return out;
}

/** Why an encoding Kaitai knows is not supported. */
function encodingRefusal(enc: string): string {
  const u = enc.toUpperCase().replaceAll('_', '-');
  const multi = /^(SHIFT-JIS|SJIS|CP932|EUC-JP|EUC-KR|BIG5|GBK|GB2312|GB18030|ISO-2022-JP)$/.test(u);
  const supported = 'UTF-8, ASCII, UTF-16LE, UTF-16BE, ISO-8859-1, windows-1250 … windows-1258 and ' + SINGLE_BYTE_PAGES.join(', ') + ' are';
  return multi
    ? `encoding '${enc}' is not supported: multi-byte code pages decode differently in TextDecoder (WHATWG) and .NET (Windows code pages), so TS and C# would not agree (${supported})`
    : `encoding '${enc}' is not supported (${supported})`;
}

/** An integer or float type; without a byte order of its own, the type's switchable one if it has one. */
function numberType(prim: NonNullable<ReturnType<typeof primitive>>, endian: Endian | undefined, ctx: Ctx): IntType | FloatType {
  const switched = prim.size > 1 && endian === undefined && ctx.endianSwitch !== undefined;
  const base = { endian: endian ?? (switched ? 'be' : 'le'), ...(switched && { switched: true as const }) };
  return prim.t === 'int' ? { t: 'int', size: prim.size, signed: prim.signed, ...base } : { t: 'float', size: prim.size as 4 | 8, ...base };
}

function primitive(name: string): { t: 'int'; size: 1 | 2 | 4 | 8; signed: boolean } | { t: 'float'; size: 4 | 8 } | undefined {
  const m = /^([us])([1248])(le|be)?$/.exec(name);
  if (m) return { t: 'int', size: Number(m[2]) as 1 | 2 | 4 | 8, signed: m[1] === 's' };
  const f = /^f([48])(le|be)?$/.exec(name);
  if (f) return { t: 'float', size: Number(f[1]) as 4 | 8 };
  return undefined;
}

function contentsBytes(c: unknown, fail: (p: string) => never): number[] {
  const parts = Array.isArray(c) ? c : [c];
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number' && Number.isInteger(p) && p >= 0 && p <= 255) out.push(p);
    else if (typeof p === 'string') out.push(...new TextEncoder().encode(p));
    else fail(`contents entry ${JSON.stringify(p)} is not a byte or a string`);
  }
  if (out.length === 0) fail('contents is empty');
  return out;
}
