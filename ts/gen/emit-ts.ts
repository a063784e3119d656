// TypeScript output: one module per spec file (interfaces, enums, read/write/sizeOf functions,
// a codec object with the type's name, and a view class for blittable types).
import { constValue, refsOf, renderExpr, type Expr } from './expr.js';
import { paramsReadOutside, typeOf, type VType } from './expr-types.js';
import { IS_LE, alignsBefore, allEnums, allTypes, camel, caseBytes, caseField, caseTypes, hiddenFields, type CaseType, encodingUnit, valueFields, type BitsType, type EnumDef, type Field, type FieldType, type Instance, type IntType, type IoStep, type FloatType, type Param, type Size, type SpecFile, type TypeDef, bytewiseExprs, type Bytewise } from './model.js';
import { seqReadsInstances } from './refs.js';
import { paramsNote } from './up-params.js';
import { readsToEnd } from './sizes.js';

const RESERVED = new Set(['break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'let', 'static', 'yield', 'await', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'eval', 'arguments', 'r', 'w', 'v', 'n', 'i', 'io']);

/** The property name of a field (camelCase, as Kaitai's JS parser names it). */
export function tsProp(f: Field): string {
  // An unnamed entry keeps Kaitai's name (`_unnamed3`; a spec's own ids cannot start with `_`).
  return f.id.startsWith('_') ? f.id : camel(f.id);
}
/** A helper local `name`, or `name` with a `$` where a field of `t` has that name (locals are fields' names). */
function aside(t: TypeDef, name: string): string {
  return t.fields.some((x) => local(x) === name) ? name.replace(/[A-Z][a-z]*$/, (m) => `$${m.toLowerCase()}`) : name;
}
function local(f: Field): string {
  if (f.id.startsWith('_')) return f.id;
  const n = camel(f.id);
  return RESERVED.has(n) ? `${n}_` : n;
}
export function tsModuleName(spec: SpecFile): string {
  return spec.id;
}
function upperSnake(id: string): string {
  return id.toUpperCase();
}

/** `r.u2le('f')`; with a switchable byte order, the one `p_IsLe` holds (decided when the type's read started). */
function primRead(r: string, t: IntType | FloatType, p: string): string {
  if (!t.switched) return `${r}.${primMethod(t)}(${p})`;
  return `(p_${camel(IS_LE)} ? ${r}.${primMethod({ ...t, endian: 'le' })}(${p}) : ${r}.${primMethod({ ...t, endian: 'be' })}(${p}))`;
}

/** One case of a switch of integers read: an integer type, or a bit-sized integer (from the bit stream). */
function intCaseRead(r: string, c: IntType | BitsType, p: string): string {
  return c.t === 'bits' ? `${r}.bits${c.endian === 'le' ? 'Le' : 'Be'}(${c.width}, ${p})` : primRead(r, c, p);
}

/** One case of a switch of integers written (see intCaseRead). */
function intCaseWrite(c: IntType | BitsType, x: string, p: string): string {
  return c.t === 'bits' ? `w.bits${c.endian === 'le' ? 'Le' : 'Be'}(${x}, ${c.width}, ${p});` : `w.${primMethod(c)}(${x}, ${p});`;
}

function primMethod(t: IntType | FloatType): string {
  if (t.t === 'float') return `f${t.size}${t.endian}`;
  return `${t.signed ? 's' : 'u'}${t.size}${t.size === 1 ? '' : t.endian}`;
}
function intRange(t: IntType): [string, string] {
  if (t.size === 8) return t.signed ? ['-0x8000000000000000n', '0x7fffffffffffffffn'] : ['0n', '0xffffffffffffffffn'];
  const bits = t.size * 8;
  return t.signed ? [String(-(2 ** (bits - 1))), String(2 ** (bits - 1) - 1)] : ['0', String(2 ** bits - 1)];
}
function dvName(t: IntType | FloatType): string {
  if (t.t === 'float') return `Float${t.size * 8}`;
  if (t.size === 8) return t.signed ? 'BigInt64' : 'BigUint64';
  return `${t.signed ? 'Int' : 'Uint'}${t.size * 8}`;
}
function doc(text: string | undefined, indent: string): string[] {
  if (!text) return [];
  const lines = text.split('\n');
  if (lines.length === 1) return [`${indent}/** ${lines[0]!.replaceAll('*/', '*\\/')} */`];
  return [`${indent}/**`, ...lines.map((l) => `${indent} * ${l.replaceAll('*/', '*\\/')}`.trimEnd()), `${indent} */`];
}

class TsModule {
  private readonly runtime = new Set<string>();
  private readonly imports = new Map<string, Set<string>>();
  private readonly out: string[] = [];

  constructor(
    private readonly spec: SpecFile,
    private readonly runtimeModule: string,
  ) {}

  use(name: string): string {
    this.runtime.add(name);
    return name;
  }
  /** A name from this module or another generated module. */
  ref(t: TypeDef, name: string): string {
    if (t.spec !== this.spec) {
      const mod = `./${tsModuleName(t.spec)}.js`;
      if (!this.imports.has(mod)) this.imports.set(mod, new Set());
      this.imports.get(mod)!.add(name);
    }
    return name;
  }
  /** The platform's zlib inflate, imported by modules that read `process: zlib` fields. */
  inflate(): string {
    if (!this.imports.has('node:zlib')) this.imports.set('node:zlib', new Set());
    this.imports.get('node:zlib')!.add('inflateSync');
    return 'inflateSync';
  }
  /** `r.sub(n, p)`, or for a processed field a reader of what the bytes inflate or transform to. */
  private subOf(ty: { size: Size | undefined; process?: 'zlib'; bytewise?: Bytewise }, t: TypeDef, refs: (name: string) => string, p: string, r = 'r'): string {
    const n = ty.size && 'eos' in ty.size ? `${r}.remaining` : this.sizeValue(ty.size, t, refs);
    if (ty.bytewise) return `${r}.${this.bytewiseCall(ty.bytewise, t, refs)[0]}Sub(${n}, ${this.bytewiseCall(ty.bytewise, t, refs)[1]}, ${p})`;
    return ty.process ? `${r}.zlibSub(${n}, ${this.inflate()}, ${p})` : `${r}.sub(${n}, ${p})`;
  }
  /** The runtime method (`xor` or `rotate`) and its argument for a byte-by-byte transform: `ror(n)` rotates left by -n. */
  private bytewiseCall(b: Bytewise, t: TypeDef, refs: (name: string) => string): [string, string] {
    if (b.op === 'xor') return ['xor', this.expr(b.key, t, refs)];
    const bits = this.expr(b.bits, t, refs);
    return ['rotate', b.op === 'ror' ? `-(${bits})` : bits];
  }
  refEnum(e: EnumDef, name = e.name): string {
    return this.ref(e.owner, name);
  }

  render(): string {
    for (const e of allEnums(this.spec)) this.emitEnum(e);
    for (const t of allTypes(this.spec)) this.emitType(t);
    const head = [`// Generated by twinmap gen from ${this.spec.path.replaceAll('\\', '/')}. Do not edit: change the spec and regenerate.`];
    const runtime = [...this.runtime].sort();
    if (runtime.length) head.push(`import { ${runtime.join(', ')} } from '${this.runtimeModule}';`);
    for (const [mod, names] of [...this.imports].sort()) head.push(`import { ${[...names].sort().join(', ')} } from '${mod}';`);
    // A multi-line piece (an inline switch) is indented where it lands: its first line's indent.
    const body = this.out.map((l) => (l.includes('\n') ? l.split('\n').join(`\n${/^ */.exec(l)![0]}`) : l));
    return [...head, '', ...body].join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
  }

  private emitEnum(e: EnumDef): void {
    const o = this.out;
    o.push(...doc(`Enum \`${e.id}\` of ${e.owner.name}.`, ''));
    o.push(`export const ${e.name} = {`);
    for (const m of e.members) {
      o.push(...doc(m.doc, '  '));
      o.push(`  ${upperSnake(m.id)}: ${e.wide ? `${m.exact}n` : m.value},`);
    }
    o.push('} as const;');
    o.push(`export type ${e.name} = (typeof ${e.name})[keyof typeof ${e.name}];`);
    o.push(`/** True when \`v\` is a member of ${e.name}. */`);
    const values = [...new Set(e.members.map((m) => (e.wide ? `${m.exact}n` : String(m.value))))];
    const vt = e.wide ? 'bigint' : 'number';
    // A long enum (DICOM's tags: thousands) is a set: one `||` chain that long is too large for tsc's flow analysis.
    if (values.length > 64) {
      o.push(`const ${e.name}Values: ReadonlySet<${vt}> = new Set<${vt}>(Object.values(${e.name}));`);
      o.push(`export function is${e.name}(v: ${vt}): v is ${e.name} {`, `  return ${e.name}Values.has(v);`);
    } else {
      o.push(`export function is${e.name}(v: ${vt}): v is ${e.name} {`);
      o.push(`  return ${values.length ? values.map((x) => `v === ${x}`).join(' || ') : 'false'};`);
    }
    o.push('}', '');
  }

  // ---- types

  private valueType(f: Field): string {
    const ty = f.type;
    let base: string;
    switch (ty.t) {
      case 'int':
        if (f.enumDef) base = f.validInEnum ? this.refEnum(f.enumDef) : `${this.refEnum(f.enumDef)} | (${f.enumDef.wide ? 'bigint' : 'number'} & {})`;
        else base = ty.size === 8 ? 'bigint' : 'number';
        break;
      case 'float':
        base = 'number';
        break;
      case 'bits':
        if (ty.bool) base = 'boolean';
        else if (ty.width > 53) base = 'bigint';
        else if (f.enumDef) base = f.validInEnum ? this.refEnum(f.enumDef) : `${this.refEnum(f.enumDef)} | (number & {})`;
        else base = 'number';
        break;
      case 'bytes':
        base = 'Uint8Array';
        break;
      case 'str':
        base = 'string';
        break;
      case 'user':
        base = this.ref(ty.type, ty.type.name);
        break;
      case 'switch':
        // Repeated: no element where no case matches.
        base = this.switchType(ty).filter((x) => !(skipsUnmatched(f) && x === 'undefined')).join(' | ');
        break;
      case 'intSwitch':
        // Repeated: no element where no case matches.
        base = ty.fallback || f.repeat ? 'number' : 'number | undefined';
        break;
      case 'delimited':
        base = ty.encoding ? 'string' : 'Uint8Array';
        break;
      case 'contents':
        throw new Error('contents has no value');
    }
    if (f.repeat) base = base.includes(' ') ? `Array<${base}>` : `${base}[]`;
    return base;
  }

  private switchType(ty: Extract<FieldType, { t: 'switch' }>): string[] {
    const names = [...new Set(caseTypes(ty).map((c) => (c.t === 'user' ? this.ref(c.type, c.type.name) : caseTsType(c))))];
    if (!ty.fallback) names.push(ty.size ? 'Uint8Array' : 'undefined');
    return names;
  }

  private emitType(t: TypeDef): void {
    const o = this.out;
    const N = t.name;
    const notes = [
      ...(t.decodeOnly ? [`Decode-only: ${t.decodeOnly}, so its bytes cannot be written from its value (no encode).`] : []),
      ...(t.params.length ? [paramsNote(t)] : []),
    ];
    const only = notes.length ? notes.join('\n\n') : undefined;
    o.push(...doc(t.doc && only ? `${t.doc}\n\n${only}` : (t.doc ?? only), ''));
    o.push(`export interface ${N} {`);
    for (const f of valueFields(t)) {
      o.push(...doc(f.doc, '  '));
      // `| undefined` too: decode sets the property to undefined (exactOptionalPropertyTypes).
      const vt = this.valueType(f);
      o.push(`  ${tsProp(f)}${f.cond ? '?' : ''}: ${vt}${f.cond && !vt.split(' | ').includes('undefined') ? ' | undefined' : ''};`);
    }
    for (const f of hiddenFields(t)) {
      o.push(...doc(`Unnamed in the spec (Kaitai's \`${f.id}\`): decode keeps it here, not enumerable, so that encode writes the same bytes; without it encode writes zeros.`, '  '));
      o.push(`  ${f.id}?: ${this.valueType(f)};`);
    }
    for (const i of t.instances) {
      const lazyDoc = i.field ? 'Read from the input on first access.' : `Computed from the fields on first access${t.decodeOnly ? '' : ' (decoded values have it; encode ignores it)'}.`;
      o.push(...doc(i.doc ? `${i.doc}\n\n${lazyDoc}` : lazyDoc, '  '));
      // A writable type's value instances are absent from a value built for encode (encode ignores them).
      o.push(`  readonly ${camel(i.id)}${t.decodeOnly ? '' : '?'}: ${this.instanceType(i)};`);
    }
    for (const p of keptParams(t)) {
      o.push(...doc(`Param '${p.id}' this value was read with (decoded values have it, not enumerable; encode ignores it).`, '  '));
      o.push(`  readonly ${camel(p.id)}?: ${this.paramType({ ...p, lazy: undefined } as Param)};`);
    }
    o.push('}', '');
    this.emitRead(t);
    if (t.params.length && t === t.spec.root) {
      this.emitParamsCodec(t);
      if (!t.decodeOnly) {
        this.emitWrite(t);
        if (t.fixedSize === undefined) this.emitSizeOf(t);
      }
      return;
    }
    if (t.decodeOnly) {
      if (t.params.length) return;
      o.push(...doc(`Codec for ${N}: decode only (${t.decodeOnly}, so its bytes cannot be written from its value).`, ''));
      o.push(`export const ${N} = new ${this.use('DecodeCodec')}<${N}>('${N}', read${N});`, '');
      return;
    }
    this.emitWrite(t);
    if (t.fixedSize === undefined) this.emitSizeOf(t);
    if (t.blittable) this.emitView(t);
    // Its params come from the type that uses it: no codec of its own.
    if (t.params.length) return;
    const codecDoc = doc(`Codec for ${N}: decode, encode, encodeInto${t.fixedSize !== undefined ? ', SIZE' : ', sizeOf'}${t.blittable ? ', view' : ''}.`, '');
    if (t.fixedSize !== undefined && t.blittable && fastPath(t)) this.emitFixedCodecClass(t);
    else if (t.fixedSize === undefined && writeToOk(t)) this.emitVariableCodecClass(t);
    o.push(...codecDoc);
    if (t.fixedSize !== undefined && t.blittable) {
      const args = `'${N}', ${t.fixedSize}, read${N}, write${N}, ${N}View${fastPath(t) ? `, read${N}At` : ''}${fastWritePath(t) ? `, write${N}At` : ''}`;
      if (fastPath(t)) {
        o.push(`export const ${N} = new ${N}Codec(${args});`, '');
      } else {
        o.push(`export const ${N} = new ${this.use('FixedCodec')}<${N}, ${N}View>(${args});`, '');
      }
    } else if (t.fixedSize !== undefined) {
      o.push(`export const ${N} = Object.assign(new ${this.use('Codec')}<${N}>('${N}', read${N}, write${N}, () => ${t.fixedSize}), { SIZE: ${t.fixedSize} } as const);`, '');
    } else if (writeToOk(t)) {
      o.push(`export const ${N} = new ${N}Codec('${N}', read${N}, write${N}, sizeOf${N});`, '');
    } else {
      o.push(`export const ${N} = new ${this.use('Codec')}<${N}>('${N}', read${N}, write${N}, sizeOf${N});`, '');
    }
  }

  /** A root type with params: the interface of their values, and a codec whose operations take them. */
  private emitParamsCodec(t: TypeDef): void {
    const o = this.out;
    const N = t.name;
    o.push(`/** The values of ${N}'s params: what a type reading it would pass. */`, `export interface ${N}Params {`);
    for (const p of t.params) o.push(`  ${camel(p.id)}: ${this.paramType(p)};`);
    o.push('}', '');
    const args = t.params.map((p) => `, p.${camel(p.id)}`).join('');
    if (t.decodeOnly) {
      o.push(...doc(`Codec for ${N}: decode only (${t.decodeOnly}, so its bytes cannot be written from its value); it takes ${N}Params.`, ''));
      o.push(`export const ${N} = new ${this.use('DecodeParamsCodec')}<${N}, ${N}Params>('${N}', (r, p) => read${N}(r${args}));`, '');
      return;
    }
    const size = t.fixedSize !== undefined ? `() => ${t.fixedSize}` : `(v, p) => sizeOf${N}(v${args})`;
    o.push(...doc(`Codec for ${N}: decode, encode, encodeInto, sizeOf, each with ${N}Params.`, ''));
    o.push(`export const ${N} = new ${this.use('ParamsCodec')}<${N}, ${N}Params>('${N}', (r, p) => read${N}(r${args}), (w, v, p) => write${N}(w, v${args}), ${size});`, '');
  }

  /**
   * The codec of a variable-size type made of numbers, length-prefixed text and bytes and lists of
   * those: encodeInto sizes the value, checks the room once and writes it straight through
   * (write<T>To). A value that writer refuses is written again by the checked Writer, which
   * throws the error that names the field.
   */
  private emitVariableCodecClass(t: TypeDef): void {
    const o = this.out;
    const N = t.name;
    o.push(`/** The codec class of ${N}: encodeInto checks the room once, then writes straight through. */`);
    o.push(`class ${N}Codec extends ${this.use('Codec')}<${N}> {`);
    o.push(`  override encodeInto(value: ${N}, target: Uint8Array, offset = 0): number {`);
    o.push('    try {');
    // A bound (3 bytes per UTF-16 unit of text) costs no pass over the text; only when the room
    // is less than the bound is the value measured exactly. write<T>To checks every value itself.
    o.push(`      let at = ${this.use('fixedAt')}(target, offset, writeBound${N}(value));`);
    o.push(`      if (at >= 0) return write${N}To(target, ${this.use('fixedView')}(), at - offset, offset, value) - offset;`);
    o.push(`      const n = sizeOf${N}(value);`);
    o.push(`      at = ${this.use('fixedAt')}(target, offset, n);`);
    o.push(`      if (at >= 0 && write${N}To(target, ${this.use('fixedView')}(), at - offset, offset, value) === offset + n) return n;`);
    o.push('    } catch {');
    o.push('      // the checked writer below says what is wrong');
    o.push('    }');
    o.push('    return super.encodeInto(value, target, offset);');
    o.push('  }');
    o.push('}', '');
  }

  /**
   * The codec of a blittable type as its own class: decode, encodeInto and view call this type's
   * straight-line functions by name (calls V8 can inline), not through the generic codec's fields.
   */
  private emitFixedCodecClass(t: TypeDef): void {
    const o = this.out;
    const N = t.name;
    const within = this.use('within');
    // The array last given, its DataView and byteOffset are fields of the codec (FixedCodec.fastTake);
    // `(offset >>> 0) !== offset` refuses negative, fractional and non-number offsets in one compare.
    const fits = (arr: string) =>
      `(${arr} !== this.fastBytes && !this.fastTake(${arr})) || (offset >>> 0) !== offset || offset > ${arr}.length - ${t.fixedSize}`;
    o.push(`/** The codec class of ${N}: one bounds check, then reads and writes at constant offsets. */`);
    o.push(`class ${N}Codec extends ${this.use('FixedCodec')}<${N}, ${N}View> {`);
    o.push(`  override decode(bytes: Uint8Array, offset = 0): ${N} {`);
    o.push(`    if (${fits('bytes')}) return super.decode(bytes, offset);`);
    o.push('    try {');
    o.push(`      return read${N}At(this.fastView, this.fastBase + offset);`);
    o.push('    } catch (e) {');
    o.push(`      throw ${within}(e, '${N}');`);
    o.push('    }');
    o.push('  }');
    if (fastWritePath(t)) {
      o.push('', `  override encodeInto(value: ${N}, target: Uint8Array, offset = 0): number {`);
      o.push(`    if (${fits('target')}) return super.encodeInto(value, target, offset);`);
      o.push('    try {');
      o.push(`      write${N}At(this.fastView, this.fastBase + offset, value);`);
      o.push('    } catch (e) {');
      o.push(`      throw ${within}(e, '${N}');`);
      o.push('    }');
      o.push(`    return ${t.fixedSize};`);
      o.push('  }');
    } else if (writeAtOk(t)) {
      // Nested types: their errors need the enclosing field's name, which the checked writer adds.
      o.push('', `  override encodeInto(value: ${N}, target: Uint8Array, offset = 0): number {`);
      o.push(`    if (!(${fits('target')})) {`);
      o.push('      try {');
      o.push(`        write${N}At(this.fastView, this.fastBase + offset, value);`);
      o.push(`        return ${t.fixedSize};`);
      o.push('      } catch {');
      o.push('        // the checked writer below says what is wrong');
      o.push('      }');
      o.push('    }');
      o.push('    return super.encodeInto(value, target, offset);');
      o.push('  }');
    }
    // A view of a window that passes the check above is made without the view's own check; one
    // that does not goes to the checked constructor and its DecodeError.
    o.push('', `  override view(bytes: Uint8Array, offset = 0): ${N}View {`, `    if (${fits('bytes')}) return new ${N}View(bytes, offset);`);
    o.push(`    return new ${N}View(bytes, offset, this.fastView, this.fastBase + offset);`, '  }');
    o.push('}', '');
  }

  /** The TypeScript type of an instance's value. */
  private instanceType(i: Instance): string {
    if (i.value) return `${this.exprType(i.value)}${i.valueCond ? ' | undefined' : ''}`;
    const vt = this.valueType(i.field!);
    return i.field!.cond && !vt.split(' | ').includes('undefined') ? `${vt} | undefined` : vt;
  }

  /** `io`: the reader `_io` means here (the type's reader while reading its fields, its stream in an instance). */
  private expr(e: Expr, t: TypeDef, refs: (name: string) => string, io = 'r', item?: { value: string; index: string }): string {
    const present = (x: string, what: string): string => `${this.use('present')}(${x}, '${what}')`;
    /** A field read through a value: absent (an `if`, a switch without a match) is an error before going on. */
    const chain = (start: string, head: Field | undefined, path: Field[]): string => {
      let s = start;
      // Without a head (a param's value), every field of the path is read from `start`.
      const fields = head ? [head, ...path] : path;
      for (const [i, m] of fields.entries()) {
        if (i > 0 || !head) s += `.${tsProp(m)}`;
        if (!(m.cond || mayBeEmptySwitch(m))) continue;
        // A number without a value computes as NaN (Kaitai's JS: undefined); anything else cannot be used.
        if (i === fields.length - 1 && isScalar(m)) s += '!';
        else s = present(s, tsProp(m));
      }
      const last = fields[fields.length - 1]!;
      return ((last.type.t === 'int' && last.type.size === 8) || (last.type.t === 'bits' && last.type.width > 53)) && !last.repeat ? `Number(${s})` : s;
    };
    /** An element of an array of 64-bit integers is a bigint: a number in expressions. */
    const num = (x: string, elem: Field | undefined): string => (elem?.type.t === 'int' && elem.type.size === 8 ? `Number(${x})` : x);
    return renderExpr(e, {
      ...(item && {
        item: (x: Extract<Expr, { k: 'item' }>): string => {
          const last = x.pathFields?.[x.pathFields.length - 1];
          const s = item.value + (x.pathFields ?? []).map((m) => `.${tsProp(m)}`).join('');
          return last?.type.t === 'int' && last.type.size === 8 ? `Number(${s})` : s;
        },
        index: (): string => item.index,
      }),
      ...(!item && this.elemIndex !== undefined && { index: (): string => this.elemIndex! }),
      ref: (name, e) => {
        if (e.fromRoot) return chain(`${this.use('decodedRoot')}<${this.ref(e.fromRoot, e.fromRoot.name)}>(${io})`, undefined, [e.fromRoot.fields.find((x: Field) => x.id === name) ?? e.field!, ...(e.pathFields ?? [])]);
        if (e.param) {
          // A lazy one is a function computing the value (from a field its user reads later).
          const p = `p_${camel(name)}${e.paramDef?.lazy ? '()' : ''}`;
          return e.pathFields?.length ? chain(p, undefined, e.pathFields) : p;
        }
        // A value instance kept as Kaitai keeps it (it reads where the stream is).
        if (e.instance?.value) return `${this.instRef?.(name) ?? `v.${camel(name)}`}${e.instance.valueCond ? '!' : ''}`;
        const head = e.instance?.field ?? t.fields.find((x) => x.id === name)!;
        return chain(e.instance ? (this.instRef?.(name) ?? `v.${camel(name)}`) : refs(name), head, e.pathFields ?? []);
      },
      io: (prop, root) => (root ? `${io}.root().ioSize` : prop === 'size' ? `${io}.ioSize` : prop === 'pos' ? `${io}.ioPos` : `${io}.eof`),
      enumValue: (x) => (x.resolved ? `${this.refEnum(x.resolved.enumDef)}.${upperSnake(x.resolved.memberId)}` : x.member),
      and: '&&',
      or: '||',
      not: '!',
      eq: '===',
      ne: '!==',
      // By a constant other than zero: inline (no zero check needed).
      div: (l, r) => (/^[1-9]\d*$/.test(r) ? `Math.floor(${l} / ${r})` : `${this.use('intDiv')}(${l}, ${r})`),
      mod: (l, r) => (/^[1-9]\d*$/.test(r) ? `((${l} % ${r}) + ${r}) % ${r}` : `${this.use('intMod')}(${l}, ${r})`),
      fdiv: (l, r) => `(${l} / ${r})`,
      fmod: (l, r) => `(${l} % ${r})`,
      bit: (op, l, r) => `${this.use('bitOp')}('${op}', ${l}, ${r})`,
      inv: (x) => `${this.use('bitOp')}('^', ${x}, -1)`,
      float: (v) => String(v),
      str: (v) => JSON.stringify(v),
      bytes: (items) => `new Uint8Array([${items.join(', ')}])`,
      array: (items) => `[${items.join(', ')}]`,
      compare: (op, l, r, type) => {
        const js = op === '==' ? '===' : op === '!=' ? '!==' : op;
        return type.t === 'bytes' ? `(${this.use('bytesCompare')}(${l}, ${r}) ${js} 0)` : `(${l} ${js} ${r})`;
      },
      concat: (l, r) => `(${l} + ${r})`,
      // Kaitai's JS: undefined (a number computes as NaN, as an absent field does).
      none: 'undefined!',
      toBytes: (items) => `new Uint8Array([${items.join(', ')}])`,
      attr: (obj, x, objType, args) => {
        const elem = objType.t === 'array' ? objType.elem : undefined;
        switch (objType.t === 'user' ? 'field' : x.name) {
          case 'field':
            // A value instance or param of a decoded object (present on every decoded value).
            if (x.instance?.value || x.param) return `${obj}.${camel(x.param ? x.param.id : x.instance!.id)}!`;
            if (x.instance) return chain(`${obj}.${camel(x.instance.id)}`, x.instance.field!, []);
            return chain(`${obj}.${tsProp(x.field!)}`, x.field!, []);
          case 'size':
          case 'length':
            return `${obj}.length`;
          case 'to_i':
            if (objType.t === 'str') return `Number.parseInt(${obj}, ${args[0] ?? 10})`;
            if (objType.t === 'float') return `Math.trunc(${obj})`;
            if (objType.t === 'bool') return `(${obj} ? 1 : 0)`;
            return obj;
          case 'to_s':
            if (objType.t === 'bytes') return `${this.use('bytesToStr')}(${obj}, ${args[0]})`;
            return `String(${obj})`;
          case 'first':
            if (objType.t === 'array' && objType.of.t === 'user') return `${this.use('elementAt')}(${obj}, 0)`;
            return num(`${obj}[0]!`, elem);
          case 'last':
            if (objType.t === 'array' && objType.of.t === 'user') return `${this.use('elementAt')}(${obj}, ${obj}.length - 1)`;
            return num(`${obj}[${obj}.length - 1]!`, elem);
          case 'min':
          case 'max':
            return `${this.use(x.name === 'min' ? 'arrayMin' : 'arrayMax')}(${obj})`;
          case 'reverse':
            return `Array.from(${obj}).reverse().join('')`;
          case 'substring':
            return `${obj}.substring(${args[0]}, ${args[1]})`;
          default:
            throw new Error(`method ${x.name} left unchecked`);
        }
      },
      at: (obj, idx, objType) => {
        if (objType.t === 'array' && objType.of.t === 'user') return `${this.use('elementAt')}(${obj}, ${idx})`;
        return num(`${obj}[${idx}]!`, objType.t === 'array' ? objType.elem : undefined);
      },
    });
  }

  /** The TypeScript type of an expression's value. */
  private exprType(e: Expr): string {
    return this.vType(typeOf(e));
  }

  /** A param's TypeScript type. */
  private paramType(p: Param): string {
    const type = p.kind === 'bool' ? 'boolean' : p.kind === 'int' ? 'number' : this.vType(p.vt!);
    return p.lazy ? `() => ${type}` : type;
  }

  /** The TypeScript type of a value of an expression type. */
  private vType(vt: VType): string {
    const of = (v: VType): string => {
      switch (v.t) {
        case 'int':
        case 'float':
          return 'number';
        case 'bool':
          return 'boolean';
        case 'str':
          return 'string';
        case 'bytes':
          return 'Uint8Array';
        case 'user':
          return v.type ? this.ref(v.type, v.type.name) : 'unknown';
        case 'array': {
          const el = v.elem?.type.t === 'int' && v.elem.type.size === 8 ? 'bigint' : of(v.of);
          return el.includes(' ') ? `Array<${el}>` : `${el}[]`;
        }
      }
    };
    return of(vt);
  }

  /** The `valid` rule of a field (min, max, any-of, expr) as a condition on `value`. */
  private validOk(t: TypeDef, f: Field, value: string, refs: (name: string) => string, io = 'r'): string {
    const c = f.validCheck!;
    const lit = (n: number): string => (bigValue(f) ? `${n}n` : String(n));
    const parts: string[] = [];
    if (c.min !== undefined) parts.push(`${value} >= ${lit(c.min)}`);
    if (c.max !== undefined) parts.push(`${value} <= ${lit(c.max)}`);
    if (c.anyOf) parts.push(`(${c.anyOf.map((n) => `${value} === ${lit(n)}`).join(' || ') || 'false'})`);
    if (c.expr) parts.push(`(${this.expr(c.expr, t, refs, io, { value, index: '0' })})`);
    return parts.join(' && ') || 'true';
  }

  /** The field's `valid` rules on `value`, for decode and encode alike: [the condition that fails, a template literal saying why]. */
  private validRules(t: TypeDef, f: Field, value: string, refs: (name: string) => string, io: 'r' | 'w'): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    if (f.validInEnum && f.enumDef) out.push([`!${this.refEnum(f.enumDef, `is${f.enumDef.name}`)}(${value})`, `\`\${${value}} is not a ${f.enumDef.name}\``]);
    if (f.validEq !== undefined) out.push([`${value} !== ${bigValue(f) ? `${f.validEq}n` : String(f.validEq)}`, `\`expected ${f.validEq}, found \${${value}}\``]);
    if (f.validCheck) {
      const text = f.validCheck.text.replaceAll('`', '\\`').replaceAll('${', '\\${');
      out.push([`!(${this.validOk(t, f, value, refs, io)})`, `\`\${${value}} is not valid (${text})\``]);
    }
    return out;
  }

  /** The field's `valid` rules, checked after its value is written: encode never writes bytes decode would refuse. */
  private validOnWrite(t: TypeDef, f: Field, value: string, refs: (name: string) => string): string[] {
    const rules = this.validRules(t, f, value, refs, 'w');
    if (!rules.length) return [];
    const E = this.use('EncodeError');
    return rules.map(([fails, why]) => `if (${fails}) throw new ${E}('${tsProp(f)}', ${why});`);
  }

  // ---- read

  private emitRead(t: TypeDef): void {
    const o = this.out;
    const N = t.name;
    const R = this.use('Reader');
    o.push(`/** @internal Reads ${N} at the reader's position. */`);
    o.push(`export function read${N}(r: ${R}${this.paramList(t)}): ${N} {`);
    if (fastPath(t)) o.push(`  if (r.remaining >= ${t.fixedSize}) return read${N}At(r.dv, r.take(${t.fixedSize}, '${N}'));`);
    const refs = (name: string): string => local(t.fields.find((x) => x.id === name)!);
    const sw = t.switchedEndian?.owner;
    if (sw) {
      // Its byte order is decided now, as Kaitai does when the read starts.
      const arms = sw.cases.map((c) => `    case ${this.caseValue(t, c.match)}: return ${c.le};`);
      o.push(`  const p_${camel(IS_LE)} = ((on: unknown): boolean => {`, '    switch (on) {', ...arms.map((l) => `  ${l}`), `      default: return r.invalid('', r.pos, \`endian: no case matches the switch value \${String(on)}\`);`, '    }', `  })(${this.expr(sw.on, t, refs)});`);
    }
    // Instances read the type's stream itself (Kaitai's `_io`): its position is shared with the
    // types read from it, so `_io.pos` and an instance without `pos` see where it is when first used.
    if (t.decodeOnly && t.instances.length) o.push('  const io = r;');
    // A seq field reads an instance: every instance is a memoised function of the locals, defined first.
    const early = seqReadsInstances.has(t);
    const instFn = (name: string): string => `inst_${camel(name)}`;
    if (early) {
      const O = this.use('once');
      this.instRef = (name) => `${instFn(name)}()`;
      for (const i of t.instances) {
        o.push(`  const ${instFn(i.id)} = ${O}<${this.instanceType(i)}>(() => {`);
        for (const l of this.instanceBody(t, i, refs)) o.push(`  ${l}`);
        o.push('  });');
      }
    }
    for (const [i, f] of t.fields.entries()) {
      const name = local(f);
      if (alignsBefore(t, i)) o.push('  r.alignToByte();');
      if (f.type.t === 'contents') {
        const check = `r.contents([${f.type.bytes.map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ')}], '${tsProp(f)}');`;
        o.push(...this.contentsLines(t, f, check, (count) => `r.count(${count}, ${f.type.t === 'contents' ? f.type.bytes.length : 1}, '${tsProp(f)}')`, refs));
        continue;
      }
      if (f.cond) {
        o.push(`  let ${name}: ${this.valueType(f)} | undefined;`);
        o.push(`  if (${this.expr(f.cond, t, refs)}) {`);
        for (const l of this.readLines(t, f, `${name}Value`, refs)) o.push(`  ${l}`);
        o.push(`    ${name} = ${name}Value;`);
        o.push('  }');
      } else if (keptStream(t, f) && f.type.t === 'user' && f.type.size) {
        // An instance reads this field's substream later (`io: field._io`): keep it.
        const p = `'${tsProp(f)}'`;
        const a = this.args(f.type, t, refs);
        const fn = a ? `(r: ${this.use('Reader')}) => ${this.ref(f.type.type, `read${f.type.type.name}`)}(r${a})` : this.ref(f.type.type, `read${f.type.type.name}`);
        o.push(`  const ${name}Io = ${this.subOf(f.type, t, refs, p)};`, `  const ${name} = ${name}Io.nested(${p}, undefined, ${fn});`);
      } else {
        o.push(...this.readLines(t, f, name, refs));
      }
    }
    const props = valueFields(t).map((f) => (local(f) === tsProp(f) ? tsProp(f) : `${tsProp(f)}: ${local(f)}`));
    const hidden = hiddenFields(t);
    const plain = hidden.length ? `${this.use('keepHidden')}({ ${props.join(', ')} }, { ${hidden.map((f) => f.id).join(', ')} })` : `{ ${props.join(', ')} }`;
    // An instance elsewhere reads the stream this value is read from (`io: x._io`).
    const keep = (v: string): string => (t.keepsIo ? `${this.use('keepStream')}(${v}, r)` : v);
    const kept = keptParams(t);
    if (t.instances.length === 0 && !kept.length) {
      o.push(`  return ${keep(plain)};`);
    } else {
      // Instances are lazy, as in Kaitai: computed (or read) on first access.
      o.push(`  const v = ${plain} as ${N};`);
      // Params read through this value from elsewhere (`groups.last.multiplier`): kept, out of sight.
      for (const p of kept) o.push(`  Object.defineProperty(v, '${camel(p.id)}', { ${p.lazy ? 'get' : 'value'}: p_${camel(p.id)} });`);
      const vrefs = (name: string): string => `v.${tsProp(t.fields.find((x) => x.id === name)!)}`;
      const L = this.use('lazy');
      for (const i of t.instances) {
        const name = `'${camel(i.id)}'`;
        if (early) {
          o.push(`  ${L}(v, ${name}, '${N}', ${instFn(i.id)});`);
          continue;
        }
        if (i.value) {
          const value = this.expr(i.value, t, vrefs, 'io');
          o.push(`  ${L}(v, ${name}, '${N}', () => ${i.valueCond ? `(${this.expr(i.valueCond, t, vrefs, 'io')} ? ${value} : undefined)` : value});`);
          continue;
        }
        o.push(`  ${L}(v, ${name}, '${N}', () => {`, ...this.instanceBody(t, i, vrefs).map((l) => `  ${l}`), '  });');
      }
      o.push(`  return ${keep('v')};`);
    }
    this.instRef = undefined;
    o.push('}', '');
    if (fastPath(t)) this.emitReadAt(t);
  }

  /**
   * The body of a function computing an instance. A parse instance reads its stream as Kaitai
   * does: at `pos` (going back to where the stream was afterwards), or, without `pos`, where the
   * stream is now (and leaves it after what it read).
   */
  private instanceBody(t: TypeDef, i: Instance, refs: (name: string) => string): string[] {
    if (i.value) {
      const value = this.expr(i.value, t, refs, 'io');
      return [`  return ${i.valueCond ? `(${this.expr(i.valueCond, t, refs, 'io')} ? ${value} : undefined)` : value};`];
    }
    const f = i.field!;
    const lines: string[] = [];
    if (f.cond) lines.push(`  if (!(${this.expr(f.cond, t, refs, 'io')})) return undefined;`);
    const from = i.ioPath ? `${this.use('streamOf')}(${this.ioObject(t, i.ioPath, refs)}, '${camel(i.id)}')` : i.io === 'root' ? 'io.root()' : i.io ? `${local(i.io.field)}Io` : 'io';
    lines.push(`  const r = ${from};`);
    if (i.pos) lines.push(`  const back = r.seek(${this.expr(i.pos, t, refs, 'io')}, '${camel(i.id)}');`);
    for (const l of this.readLines(t, f, local(f), refs)) lines.push(l);
    if (i.pos) lines.push('  r.pos = back;');
    lines.push(`  return ${local(f)};`);
    return lines;
  }

  /** The object an `io: a.b._io` path names (`_root.` paths start at the decode's root value). */
  private ioObject(t: TypeDef, path: NonNullable<Instance['ioPath']>, refs: (name: string) => string): string {
    // After an element (`block[0]`, maybe past the end) every step may be missing: streamOf says so.
    // (or a conditional one, which may have no value)
    const indexed = path.steps.some((s) => s.index !== undefined || ('field' in s.member ? s.member.field?.cond : s.member.cond) !== undefined);
    const step = (s: IoStep, k: number): string => `${indexed || (k === 0 && path.fromRoot) ? '?.' : '.'}${camel(s.id)}${s.index !== undefined ? `?.[${s.index}]` : ''}`;
    if (path.fromRoot) return `(io.root().rootValue as ${this.ref(t.spec.root, t.spec.root.name)} | undefined)${path.steps.map(step).join('')}`;
    const [head, ...rest] = path.steps;
    const first = head!.member === t.fields.find((f) => f.id === head!.id) ? refs(head!.id) : (this.instRef?.(head!.id) ?? `v.${camel(head!.id)}`);
    return `${first}${head!.index !== undefined ? `?.[${head!.index}]` : ''}${rest.map((s, k) => step(s, k + 1)).join('')}`;
  }

  /** Blittable types: every field at a constant offset, read after one bounds check. */
  private emitReadAt(t: TypeDef): void {
    const o = this.out;
    o.push(`/** @internal Reads a ${t.name} from \`dv\` at \`at\`, which the caller has checked holds ${t.fixedSize} bytes. */`);
    o.push(`export function read${t.name}At(dv: DataView, at: number): ${t.name} {`);
    // Runs of small ints: one int32 read each, split into the fields below.
    const runs = int32Runs(t);
    const parts = new Map<Field, string>();
    {
      let off = 0;
      let k = 0;
      for (const f of t.fields) {
        const run = runs.get(f);
        if (run) {
          const w = `w${k++}`;
          o.push(`  const ${w} = dv.getInt32(${off === 0 ? 'at' : `at + ${off}`}, true);`);
          unpackRun(run, w).forEach((e, i) => parts.set(run[i]!, e));
        }
        off += elemFixedSize(f)! * (f.repeat ? constValue((f.repeat as { count: Expr }).count)! : 1);
      }
    }
    o.push('  return {');
    let off = 0;
    for (const f of t.fields) {
      const part = parts.get(f);
      if (part !== undefined) {
        o.push(`    ${tsProp(f)}: ${part},`);
        off += (f.type as IntType).size;
        continue;
      }
      const ty = f.type;
      const count = f.repeat ? constValue((f.repeat as { count: Expr }).count)! : 1;
      const elem = elemFixedSize(f)!;
      const one = (pos: string): string => {
        if (ty.t === 'int' || ty.t === 'float') return `dv.get${dvName(ty)}(${pos}${ty.size === 1 ? '' : ', true'})`;
        if (ty.t === 'bytes') return `new Uint8Array(dv.buffer, ${pos}, ${elem}).slice()`;
        if (ty.t === 'user') return `${this.ref(ty.type, `read${ty.type.name}At`)}(dv, ${pos})`;
        throw new Error('not blittable');
      };
      const pos = (k: number): string => (off + k * elem === 0 ? 'at' : `at + ${off + k * elem}`);
      let value: string;
      if (!f.repeat) value = one(pos(0));
      else if (count <= 4) value = `[${Array.from({ length: count }, (_, k) => one(pos(k))).join(', ')}]`;
      else if (count <= 16) value = `[\n${Array.from({ length: count }, (_, k) => `      ${one(pos(k))},`).join('\n')}\n    ]`;
      else value = `Array.from({ length: ${count} }, (_, i) => ${one(`at + ${off} + ${elem} * i`)})`;
      o.push(`    ${tsProp(f)}: ${value},`);
      off += elem * count;
    }
    o.push('  };', '}', '');
  }

  /**
   * An `if` condition in a writer or sizer. A condition that is the literal `false` (a value
   * instance `value: false`) stays typed boolean: tsc does not narrow in code it sees as unreachable.
   */
  private condition(e: Expr, t: TypeDef, refs: (name: string) => string): string {
    const c = this.expr(e, t, refs);
    return c === 'false' || c === 'true' ? `(${c} as boolean)` : c;
  }

  private sizeValue(s: Size | undefined, t: TypeDef, refs: (name: string) => string): string | undefined {
    if (s === undefined) return undefined;
    if ('eos' in s) return 'r.remaining';
    return this.expr(s.expr, t, refs);
  }

  /** The index of the element being read, written or sized (Kaitai's `_index`), while one is. */
  private elemIndex: string | undefined;

  /** `make()` with `_index` rendered as `index` (undefined: outside a repeated field's element). */
  private atIndex<T>(index: string | undefined, make: () => T): T {
    const outer = this.elemIndex;
    this.elemIndex = index === 'undefined' ? undefined : index;
    try {
      return make();
    } finally {
      this.elemIndex = outer;
    }
  }

  private readElem(t: TypeDef, f: Field, index: string | undefined, refs: (name: string) => string, r = 'r'): string {
    return this.atIndex(index, () => this.readOne(t, f, index, refs, r));
  }

  private readOne(t: TypeDef, f: Field, index: string | undefined, refs: (name: string) => string, r: string): string {
    const ty = f.type;
    const p = `'${tsProp(f)}'`;
    const idx = index ?? 'undefined';
    switch (ty.t) {
      case 'int':
      case 'float':
        return primRead(r, ty, p);
      case 'bits': {
        const read = `${r}.bits${ty.endian === 'le' ? 'Le' : 'Be'}${ty.width > 53 ? 'Big' : ''}(${ty.width}, ${p})`;
        if (ty.bool) return `${read} !== 0`;
        return f.enumDef ? `${read} as ${this.valueType({ ...f, repeat: undefined })}` : read;
      }
      case 'bytes':
        if (ty.process) return `${r}.zlib(${'eos' in ty.size ? `${r}.remaining` : this.sizeValue(ty.size, t, refs)}, ${this.inflate()}, ${p})`;
        if (ty.bytewise) {
          const [fn, arg] = this.bytewiseCall(ty.bytewise, t, refs);
          return `${r}.${fn}(${'eos' in ty.size ? `${r}.remaining` : this.sizeValue(ty.size, t, refs)}, ${arg}, ${p})`;
        }
        return 'eos' in ty.size ? `${r}.bytesEos(${p})` : `${r}.bytesOf(${this.sizeValue(ty.size, t, refs)}, ${p})`;
      case 'str':
        if (ty.zeroTerminated) return `${r}.strz(${this.sizeValue(ty.size, t, refs) ?? 'undefined'}, '${ty.encoding}', ${p})`;
        return `${r}.str(${this.sizeValue(ty.size, t, refs)}, '${ty.encoding}', ${p})`;
      case 'user': {
        const a = this.args(ty, t, refs);
        const fn = a ? `(r: ${this.use('Reader')}) => ${this.ref(ty.type, `read${ty.type.name}`)}(r${a})` : this.ref(ty.type, `read${ty.type.name}`);
        if (ty.size) return `${this.subOf(ty, t, refs, p, r)}.nested(${p}, ${idx}, ${fn})`;
        return `${r}.nested(${p}, ${idx}, ${fn})`;
      }
      case 'switch': {
        // Inline, so that the values a case passes to its type's params see this type's fields.
        const sub = ty.size ? `${r}.sub(${this.sizeValue(ty.size, t, refs)}, ${p})` : r;
        const arms = ty.cases.map((c) => [`case ${this.caseValue(t, c.match)}:`, `  return ${this.readElem(t, caseField(f, c.type), index, refs)};`]);
        const last = ty.fallback ? `return ${this.readElem(t, caseField(f, ty.fallback), index, refs)};` : ty.size ? `return r.bytesEos(${p});` : 'return undefined;';
        return lines(`((r: ${this.use('Reader')}, on: unknown): ${this.switchType(ty).join(' | ')} => {`, '  switch (on) {', ...[...arms.flat(), 'default:', `  ${last}`].map((l) => `    ${l}`), '  }', `})(${sub}, ${this.expr(ty.on, t, refs)})`);
      }
      case 'intSwitch': {
        // Repeated to the end of the stream, an element no case reads would repeat forever (Kaitai's JS does).
        const none = f.repeat?.kind === 'eos' ? `${r}.invalid(${p}, ${r}.pos, 'no case matches the switch value: repeat: eos would read nothing, forever')` : 'undefined';
        return this.intCases(ty, t, refs, (c) => intCaseRead(r, c, p), none);
      }
      case 'delimited': {
        const args = `${this.sizeValue(ty.size, t, refs) ?? 'undefined'}, ${ty.term}, ${ty.include}, ${ty.eosError}, ${ty.pad}`;
        return ty.encoding ? `${r}.strDelimited(${args}, '${ty.encoding}', ${p})` : `${r}.bytesDelimited(${args}, ${p})`;
      }
      case 'contents':
        throw new Error('unreachable');
    }
  }

  private readLines(t: TypeDef, f: Field, name: string, refs: (name: string) => string): string[] {
    const lines: string[] = [];
    const p = `'${tsProp(f)}'`;
    if (!f.repeat) {
      lines.push(`  const ${name} = ${this.readElem(t, f, undefined, refs)};`);
      // Where the value started (a bit-sized one: the byte holding its last bit).
      const at = f.type.t === 'bits' ? 'r.pos - 1' : f.type.t === 'int' || f.type.t === 'float' ? `r.pos - ${f.type.size}` : 'r.pos';
      for (const [fails, why] of this.validRules(t, f, name, refs, 'r')) lines.push(`  if (${fails}) r.invalid(${p}, ${at}, ${why});`);
      return lines;
    }
    // (a repeated switch of integers has no element where no case matches)
    const elemType = f.type.t === 'intSwitch' ? 'number' : f.type.t === 'switch' ? this.valueType(f).replace(/^Array<(.*)>$|^(.*)\[\]$/, '$1$2') : this.valueType({ ...f, repeat: undefined });
    const arrType = elemType.includes(' ') ? `Array<${elemType}>` : `${elemType}[]`;
    const min = elemMin(f);
    if (f.repeat.kind === 'expr') {
      const bits = f.type.t === 'bits' ? f.type.width : undefined;
      const count = this.expr(f.repeat.count, t, refs);
      // Elements that may take no bytes: the count is bounded by the bytes left (see countZeroSized).
      const checked = bits ? `r.countBits(${count}, ${bits}, ${p})` : min === 0 && constValue(f.repeat.count) === undefined ? `r.countZeroSized(${count}, ${p})` : `r.count(${count}, ${min}, ${p})`;
      // Locals named after the field, unless another field of the type is called so (`children_count`).
      const [cnt, at] = [aside(t, `${name}Count`), aside(t, `${name}At`)];
      lines.push(`  const ${cnt} = ${checked};`);
      lines.push(`  const ${name}: ${arrType} = [];`);
      const ty = f.type;
      if (ty.t === 'user' && !ty.size && !ty.args?.length && fastPath(ty.type) && ty.type.fixedSize! > 0 && min === ty.type.fixedSize) {
        // Records at a constant stride that cannot fail: the count check covered them, one take claims them all.
        const size = ty.type.fixedSize!;
        lines.push(`  const ${at} = r.take(${size} * ${cnt}, ${p});`);
        lines.push(`  for (let i = 0; i < ${cnt}; i++) ${name}.push(${this.ref(ty.type, `read${ty.type.name}At`)}(r.dv, ${at} + ${size} * i));`);
        return lines;
      }
      if (skipsUnmatched(f)) {
        // No element where no case matches (Kaitai reads nothing then).
        lines.push(`  for (let i = 0; i < ${cnt}; i++) {`, `    const item = ${this.readElem(t, f, 'i', refs)};`, `    if (item !== undefined) ${name}.push(item);`, '  }');
        return lines;
      }
      lines.push(`  for (let i = 0; i < ${cnt}; i++) ${name}.push(${this.readElem(t, f, 'i', refs)});`);
    } else if (f.repeat.kind === 'until') {
      // As Kaitai: read an element, keep it, stop once the condition holds for it.
      lines.push(`  const ${name}: ${arrType} = [];`);
      lines.push(`  for (;;) {`);
      // Elements that may be 0 bytes long: one that read nothing and does not end the list stalls.
      if (f.mayStall) lines.push(`    const at = r.mark;`);
      lines.push(`    const item = ${this.readElem(t, f, `${name}.length`, refs)};`, `    ${name}.push(item);`);
      lines.push(`    if (${this.expr(f.repeat.cond, t, refs, 'r', { value: 'item', index: `${name}.length` })}) break;`);
      if (f.mayStall) lines.push(`    if (r.mark === at) r.stalled(${p}, ${name}.length - 1, true);`);
      lines.push('  }');
    } else {
      lines.push(`  const ${name}: ${arrType} = [];`);
      const more = readsBits(f) ? '!r.eof' : 'r.remaining > 0';
      if (f.type.t === 'switch' && skipsUnmatched(f)) {
        lines.push(`  while (${more}) {`, ...(f.mayStall ? [`    const at = r.mark;`] : []), `    const item = ${this.readElem(t, f, `${name}.length`, refs)};`);
        lines.push(`    ${name}.push(item ?? r.invalid(${p}, r.pos, 'no case matches the switch value: repeat: eos would read nothing, forever'));`);
        if (f.mayStall) lines.push(`    if (r.mark === at) r.stalled(${p}, ${name}.length - 1, false);`);
        lines.push('  }');
      } else if (f.mayStall) {
        lines.push(`  while (${more}) {`, `    const at = r.mark;`, `    ${name}.push(${this.readElem(t, f, `${name}.length`, refs)});`);
        lines.push(`    if (r.mark === at) r.stalled(${p}, ${name}.length - 1, false);`, '  }');
      } else lines.push(`  while (${more}) ${name}.push(${this.readElem(t, f, `${name}.length`, refs)});`);
    }
    return lines;
  }

  /** While a type's instances are memoised functions (see emitRead): how an expression calls one. */
  private instRef: ((name: string) => string) | undefined;

  private caseValue(t: TypeDef, e: Expr): string {
    if (e.k === 'int') return String(e.value);
    return this.expr(e, t, (n) => n);
  }

  private sizeOfUser(ty: TypeDef, value: string, args = ''): string {
    return ty.fixedSize !== undefined ? String(ty.fixedSize) : `${this.ref(ty, `sizeOf${ty.name}`)}(${value}${args})`;
  }

  /** `, a, b`: the arguments a user-type field passes to its type's params (empty without). */
  private args(ty: Extract<FieldType, { t: 'user' }>, t: TypeDef, refs: (name: string) => string): string {
    // A lazy param: a function (typed, as it may read the field being read: `() => dir.files`).
    return (ty.args ?? []).map((a, i) => {
      const p = ty.type.params[i];
      return p?.lazy ? `, (): ${this.paramType({ ...p, lazy: undefined } as Param)} => ${this.expr(a, t, refs)}` : `, ${this.expr(a, t, refs)}`;
    }).join('');
  }

  /** `, p_len: number`: a type's params as function parameters. */
  private paramList(t: TypeDef): string {
    return t.params.map((p) => `, p_${camel(p.id)}: ${this.paramType(p)}`).join('');
  }

  // ---- write

  private emitWrite(t: TypeDef): void {
    const o = this.out;
    const N = t.name;
    const W = this.use('Writer');
    o.push(`/** @internal Writes ${N} at the writer's position. */`);
    o.push(`export function write${N}(w: ${W}, v: ${N}${this.paramList(t)}): void {`);
    const fastWrite = fastWritePath(t);
    if (fastWrite) o.push(`  if (w.remaining >= ${t.fixedSize}) return write${N}At(w.dv, w.take(${t.fixedSize}, '${N}'), v);`);
    const refs = (name: string): string => {
      const f = t.fields.find((x) => x.id === name)!;
      return f.lengthOf ? local(f) : `v.${tsProp(f)}`;
    };
    for (const [i, f] of t.fields.entries()) {
      const p = `'${tsProp(f)}'`;
      const ty = f.type;
      if (alignsBefore(t, i)) o.push('  w.alignToByte();');
      if (ty.t === 'contents') {
        const put = `w.contents([${ty.bytes.map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ')}], ${p});`;
        o.push(...this.contentsLines(t, f, put, (count) => `Math.max(0, Number(${count}))`, refs));
        continue;
      }
      if (f.lengthOf) {
        const target = f.lengthOf.field;
        const value = `v.${tsProp(target)}`;
        const it = ty as IntType;
        const max = it.size === 8 ? Number.MAX_SAFE_INTEGER : Number(intRange(it)[1]);
        let len: string;
        if (f.lengthOf.what === 'count') len = `${this.use('checkCount')}(${value}, ${value}?.length ?? 0, '${tsProp(target)}').length`;
        else if (target.type.t === 'str') len = `${this.use('textLength')}(${value}, '${target.type.encoding}', '${tsProp(target)}')`;
        else if (target.type.t === 'bytes') len = `${value}.length`;
        else if (target.type.t === 'user') len = this.sizeOfUser(target.type.type, value, this.args(target.type, t, refs));
        else if (target.type.t === 'switch') len = this.sizeElem(t, target, value, refs);
        else throw new Error('unreachable');
        o.push(`  const ${local(f)} = w.length(${len}, ${max}, '${tsProp(f)}');`);
        o.push(`  w.${primMethod(it)}(${it.size === 8 ? `BigInt(${local(f)})` : local(f)}, ${p});`);
        continue;
      }
      const value = f.hidden ? `(v.${f.id} ?? ${this.zeroOf(t, f, refs)})` : `v.${tsProp(f)}`;
      const body: string[] = [];
      if (f.cond) {
        o.push(`  if (${this.condition(f.cond, t, refs)}) {`);
        // A switch with no default has no value when no case matches; its writer checks that.
        if (!mayBeEmptySwitch(f)) o.push(`    if (${value} === undefined) throw new ${this.use('EncodeError')}(${p}, 'is required here (its if condition holds)');`);
      }
      const ind = f.cond ? '    ' : '  ';
      if (!f.repeat) {
        body.push(this.writeElem(t, f, `${value}${f.cond ? '' : ''}`, 'undefined', refs));
        body.push(...this.validOnWrite(t, f, value, refs));
      } else {
        const items = aside(t, `${local(f)}Items`);
        if (f.repeat.kind === 'expr' && !isLengthRef(t, f.repeat.count)) {
          // A switch of integers where no case matches reads no elements, whatever the count.
          const count = this.expr(f.repeat.count, t, refs);
          const n = skipsUnmatched(f) && !f.indexed ? `(${this.matchesCase(t, ty as Extract<FieldType, { t: 'switch' | 'intSwitch' }>, refs)} ? ${count} : 0)` : count;
          body.push(`const ${items} = ${this.use('checkCount')}(${value}, ${n}, ${p});`);
        } else {
          body.push(`const ${items} = ${this.use('checkCount')}(${value}, ${value}?.length ?? 0, ${p});`);
        }
        if (f.repeat.kind === 'until') {
          // Reading stops at the first element that meets the condition: only the last may.
          const E = this.use('EncodeError');
          const meets = this.expr(f.repeat.cond, t, refs, 'w', { value: 'item', index: '(i + 1)' });
          body.push(`if (${items}.length === 0) throw new ${E}(${p}, 'needs at least one element (repeat: until reads one before testing)');`);
          body.push(`for (let i = 0; i < ${items}.length; i++) {`, `  const item = ${items}[i]!;`, `  ${this.writeElem(t, f, 'item', 'i', refs)}`);
          if (f.mayStall) body.splice(body.length - 1, 0, `  const at = w.mark;`);
          body.push(`  if ((${meets}) !== (i === ${items}.length - 1)) throw new ${E}(${p}, i === ${items}.length - 1 ? 'its last element must meet the repeat-until condition' : \`element \${i} meets the repeat-until condition: reading would stop there\`);`);
          if (f.mayStall) body.push(`  if (w.mark === at && i !== ${items}.length - 1) throw new ${E}(${p}, \`element \${i} takes no bytes and does not meet the repeat-until condition: reading would stall there\`);`);
          body.push('}');
        } else if (f.mayStall) {
          // An element of no bytes cannot be read back: reading stops at the end before it, or stalls on it.
          body.push(`for (let i = 0; i < ${items}.length; i++) {`, `  const at = w.mark;`, `  ${this.writeElem(t, f, `${items}[i]!`, 'i', refs)}`);
          body.push(`  if (w.mark === at) throw new ${this.use('EncodeError')}(${p}, \`element \${i} takes no bytes: reading would stop before it (at the end) or stall on it\`);`, '}');
        } else body.push(`for (let i = 0; i < ${items}.length; i++) ${this.writeElem(t, f, `${items}[i]!`, 'i', refs)}`);
        if (f.repeat.kind === 'eos' && ty.t === 'bits') body.push(`w.bitsToEnd(${p});`);
      }
      for (const b of body) o.push(ind + b);
      if (f.cond) o.push('  }');
    }
    o.push('}', '');
    if (writeAtOk(t)) this.emitWriteAt(t);
    if (writeToOk(t)) this.emitWriteTo(t);
  }

  /**
   * A variable-size type in one pass at a moving position, without a Writer: numbers checked
   * inline, text written by putUtf8 and its length field filled in after it, bytes copied with
   * set(). The caller has sized the value (sizeOf<T>, which also checks every string) and checked
   * the room. Anything the checked writer would refuse throws here (refuse()); the codec then runs
   * that writer for the error that names the field.
   */
  private emitWriteTo(t: TypeDef): void {
    const o = this.out;
    const N = t.name;
    const refuse = this.use('refuse');
    o.push(`/** @internal Writes ${N} at byte \`p\` of \`b\` (\`dv\` at \`p + d\`), sized and checked for room by the caller; returns where it ends. */`);
    o.push(`export function write${N}To(b: Uint8Array, dv: DataView, d: number, p: number, v: ${N}): number {`);
    const declared = new Set<Field>();
    /** The field's value in a local, read (and its kind checked) once. */
    const valueOf = (f: Field): string => {
      const name = local(f);
      if (declared.has(f)) return name;
      declared.add(f);
      o.push(`  const ${name} = v.${tsProp(f)};`);
      const ty = f.type;
      if (f.repeat) o.push(`  if (!Array.isArray(${name})) ${refuse}();`);
      else if (ty.t === 'bytes') o.push(`  if (!(${name} instanceof Uint8Array)) ${refuse}();`);
      // Text that is not UTF-8 (a lone surrogate) or not ASCII is refused before anything is written.
      else if (ty.t === 'str') o.push(`  if (typeof ${name} !== 'string' || !${this.use(ty.encoding === 'ASCII' ? 'isAscii' : 'wellFormed')}(${name})) ${refuse}();`);
      return name;
    };
    const little = (ty: IntType | FloatType): string => (ty.size === 1 ? '' : ty.endian === 'le' ? ', true' : ', false');
    /** One number, or one element of a nested type, at `p`; advances `p`. */
    const one = (ty: FieldType, x: string, p: string, ind: string): string[] => {
      if (ty.t === 'int' && ty.size < 8) {
        return [`${ind}if (typeof ${x} !== 'number' || ${fitsInt(ty, x)} !== ${x}) ${refuse}();`, `${ind}dv.set${dvName(ty)}(p + d, ${x}${little(ty)});`, `${ind}p += ${ty.size};`];
      }
      if (ty.t === 'int') return [`${ind}dv.set${dvName(ty)}(p + d, ${this.use('bigIn')}(${x}, ${intRange(ty).join(', ')}, ''), ${ty.endian === 'le'});`, `${ind}p += 8;`];
      if (ty.t === 'float') return [`${ind}if (typeof ${x} !== 'number') ${refuse}();`, `${ind}dv.set${dvName(ty)}(p + d, ${x}${little(ty)});`, `${ind}p += ${ty.size};`];
      if (ty.t === 'user' && writeAtOk(ty.type)) return [`${ind}${this.ref(ty.type, `write${ty.type.name}At`)}(dv, p + d, ${x});`, `${ind}p += ${ty.type.fixedSize};`];
      if (ty.t === 'user') return [`${ind}p = ${this.ref(ty.type, `write${ty.type.name}To`)}(b, dv, d, p, ${x});`];
      throw new Error('not a straight-line field');
    };
    for (const f of t.fields) {
      const ty = f.type;
      if (f.lengthOf) {
        const it = ty as IntType;
        const max = intRange(it)[1];
        const target = f.lengthOf.field;
        if (f.lengthOf.what === 'size' && target.type.t === 'str') {
          // Filled in once the text is written (its byte length is what putUtf8 returns).
          o.push(`  const ${local(f)}At = p;`, `  p += ${it.size};`);
          continue;
        }
        const x = valueOf(target);
        o.push(`  if (${x}.length > ${max}) ${refuse}();`);
        o.push(`  dv.set${dvName(it)}(p + d, ${x}.length${little(it)});`, `  p += ${it.size};`);
        continue;
      }
      const x = valueOf(f);
      if (f.repeat) {
        const count = constValue((f.repeat as { count: Expr }).count);
        if (count !== undefined) o.push(`  if (${x}.length !== ${count}) ${refuse}();`);
        o.push(`  for (let i = 0; i < ${x}.length; i++) {`, `    const item = ${x}[i]!;`, ...one(ty, 'item', 'p', '    '), '  }');
        continue;
      }
      if (ty.t === 'str') {
        const lenField = t.fields.find((l) => l.lengthOf?.field === f)!;
        const it = lenField.type as IntType;
        const n = `${local(f)}Length`;
        o.push(`  const ${n} = ${this.use('putUtf8')}(b, p, ${x});`);
        o.push(`  if (${n} > ${intRange(it)[1]}) ${refuse}();`);
        o.push(`  dv.set${dvName(it)}(${local(lenField)}At + d, ${n}${little(it)});`, `  p += ${n};`);
        continue;
      }
      if (ty.t === 'bytes') {
        const size = constValue((ty.size as { expr: Expr }).expr);
        if (size !== undefined) o.push(`  if (${x}.length !== ${size}) ${refuse}();`);
        o.push(`  b.set(${x}, p);`, `  p += ${x}.length;`);
        continue;
      }
      o.push(...one(ty, x, 'p', '  '));
    }
    o.push('  return p;', '}', '');
    this.emitWriteBound(t);
  }

  /**
   * writeBound<T>: at least the bytes write<T>To writes, without a pass over any text (3 bytes per
   * UTF-16 unit, the most UTF-8 takes). A value of the wrong kind counts as nothing or NaN (which
   * fixedAt refuses): write<T>To refuses it before it writes past what was counted.
   */
  private emitWriteBound(t: TypeDef): void {
    const o = this.out;
    const N = t.name;
    o.push(`/** @internal At least the bytes write${N}To writes for \`v\` (text counted at 3 bytes per UTF-16 unit). */`);
    o.push(`export function writeBound${N}(v: ${N}): number {`);
    let fixed = 0;
    const lines: string[] = [];
    for (const f of t.fields) {
      const ty = f.type;
      const x = `v.${tsProp(f)}`;
      if (f.lengthOf) {
        fixed += (ty as IntType).size;
        continue;
      }
      const count = f.repeat ? constValue((f.repeat as { count: Expr }).count) : 1;
      if (ty.t === 'int' || ty.t === 'float' || (ty.t === 'user' && writeAtOk(ty.type))) {
        const size = ty.t === 'user' ? ty.type.fixedSize! : ty.size;
        if (count !== undefined) fixed += size * count;
        else lines.push(`  n += ${size} * (${x}?.length ?? 0);`);
      } else if (ty.t === 'str') lines.push(`  n += 3 * (${x}?.length ?? 0);`);
      else if (ty.t === 'bytes') lines.push(`  n += (${x}?.length ?? 0);`);
      else if (ty.t === 'user') {
        const bound = this.ref(ty.type, `writeBound${ty.type.name}`);
        lines.push(f.repeat ? `  for (const item of ${x} ?? []) n += ${bound}(item);` : `  n += ${bound}(${x});`);
      } else throw new Error('not a straight-line field');
    }
    o.push(`  let n = ${fixed};`, ...lines, '  return n;', '}', '');
  }

  private emitWriteAt(t: TypeDef): void {
    if (t.fields.every((f) => !f.repeat && ((f.type.t === 'int' && f.type.size < 8) || f.type.t === 'float'))) return this.emitFlatWriteAt(t);
    const o = this.out;
    o.push(`/** @internal Writes a ${t.name} into \`dv\` at \`at\`, which the caller has checked holds ${t.fixedSize} bytes. */`);
    o.push(`export function write${t.name}At(dv: DataView, at: number, v: ${t.name}): void {`);
    let off = 0;
    for (const f of t.fields) {
      const ty = f.type;
      const count = f.repeat ? constValue((f.repeat as { count: Expr }).count)! : 1;
      const elem = elemFixedSize(f)!;
      const p = `'${tsProp(f)}'`;
      // Checks inline (one compare for a 32-bit-or-smaller int, the runtime's checker only to
      // throw), so the whole writer stays small enough for V8 to inline into its caller.
      const one = (pos: string, value: string, ind: string): string[] => {
        if (ty.t === 'int' && ty.size < 8) {
          return [
            `${ind}if (typeof ${value} !== 'number' || ${fitsInt(ty, value)} !== ${value}) ${this.use('intIn')}(${value}, ${intRange(ty).join(', ')}, ${p});`,
            `${ind}dv.set${dvName(ty)}(${pos}, ${value}${ty.size === 1 ? '' : ', true'});`,
          ];
        }
        if (ty.t === 'int') return [`${ind}dv.set${dvName(ty)}(${pos}, ${this.use('bigIn')}(${value}, ${intRange(ty).join(', ')}, ${p}), true);`];
        if (ty.t === 'float') return [`${ind}if (typeof ${value} !== 'number') ${this.use('num')}(${value}, ${p});`, `${ind}dv.set${dvName(ty)}(${pos}, ${value}, true);`];
        if (ty.t === 'bytes') return [`${ind}new Uint8Array(dv.buffer, ${pos}, ${elem}).set(${this.use('exactBytes')}(${value}, ${elem}, ${p}));`];
        if (ty.t === 'user') return [`${ind}${this.ref(ty.type, `write${ty.type.name}At`)}(dv, ${pos}, ${value});`];
        throw new Error('not blittable');
      };
      const name = local(f);
      if (!f.repeat) {
        o.push(`  const ${name} = v.${tsProp(f)};`);
        o.push(...one(off === 0 ? 'at' : `at + ${off}`, name, '  '));
      } else {
        o.push(`  const ${name} = v.${tsProp(f)};`);
        o.push(`  if (!Array.isArray(${name}) || ${name}.length !== ${count}) ${this.use('checkCount')}(${name}, ${count}, ${p});`);
        o.push(`  for (let i = 0; i < ${count}; i++) {`, `    const x = ${name}[i]!;`, ...one(`at + ${off} + ${elem} * i`, 'x', '    '), '  }');
      }
      off += elem * count;
    }
    o.push('}', '');
  }

  /**
   * write<T>At of a type of plain numbers: every value read once, one condition that checks them
   * all, then the stores. Per-field checks with their own error calls made the bytecode of a type
   * of eight fields larger than V8 inlines (460 bytes); the fields' errors come from refuse<T>At,
   * which checks them again in order, only when the condition fails.
   */
  private emitFlatWriteAt(t: TypeDef): void {
    const o = this.out;
    const N = t.name;
    const check = (f: Field): string => {
      const ty = f.type as IntType | FloatType;
      const x = local(f);
      return ty.t === 'int' ? `typeof ${x} !== 'number' || ${fitsInt(ty, x)} !== ${x}` : `typeof ${x} !== 'number'`;
    };
    o.push(`/** @internal Throws the EncodeError of the first field of \`v\` that write${N}At does not take. */`);
    o.push(`function refuse${N}At(v: ${N}): void {`);
    for (const f of t.fields) {
      const ty = f.type as IntType | FloatType;
      const p = `'${tsProp(f)}'`;
      o.push(ty.t === 'int' ? `  ${this.use('intIn')}(v.${tsProp(f)}, ${intRange(ty).join(', ')}, ${p});` : `  ${this.use('num')}(v.${tsProp(f)}, ${p});`);
    }
    o.push('}', '');
    o.push(`/** @internal Writes a ${N} into \`dv\` at \`at\`, which the caller has checked holds ${t.fixedSize} bytes. */`);
    o.push(`export function write${N}At(dv: DataView, at: number, v: ${N}): void {`);
    for (const f of t.fields) o.push(`  const ${local(f)} = v.${tsProp(f)};`);
    o.push('  if (', ...t.fields.map((f, i) => `    ${check(f)}${i < t.fields.length - 1 ? ' ||' : ''}`), `  ) refuse${N}At(v);`);
    const runs = int32Runs(t);
    const inRun = new Set([...runs.values()].flatMap((r) => r.slice(1)));
    let off = 0;
    for (const f of t.fields) {
      const ty = f.type as IntType | FloatType;
      const run = runs.get(f);
      const pos = off === 0 ? 'at' : `at + ${off}`;
      if (run) o.push(`  dv.setInt32(${pos}, ${packRun(run, local)}, true);`);
      else if (!inRun.has(f)) o.push(`  dv.set${dvName(ty)}(${pos}, ${local(f)}${ty.size === 1 ? '' : ', true'});`);
      off += ty.size;
    }
    o.push('}', '');
  }

  private writeElem(t: TypeDef, f: Field, value: string, index: string, refs: (name: string) => string): string {
    return this.atIndex(index, () => this.writeOne(t, f, value, index, refs));
  }

  private writeOne(t: TypeDef, f: Field, value: string, index: string, refs: (name: string) => string): string {
    const ty = f.type;
    const p = `'${tsProp(f)}'`;
    const sizeArg = (s: Size | undefined): string => {
      if (!s || 'eos' in s || isLengthRef(t, s.expr)) return 'undefined';
      return this.expr(s.expr, t, refs);
    };
    const v = f.cond && !f.repeat ? `${value}!` : value;
    switch (ty.t) {
      case 'int':
      case 'float':
        return `w.${primMethod(ty)}(${v}, ${p});`;
      case 'bits':
        return `w.bits${ty.endian === 'le' ? 'Le' : 'Be'}${ty.width > 53 ? 'Big' : ''}(${v}, ${ty.width}, ${p});`;
      case 'bytes':
        if (ty.bytewise) {
          const [fn, arg] = this.bytewiseCall(ty.bytewise, t, refs);
          return `w.${fn}(${v}, ${arg}, ${sizeArg(ty.size)}, ${p});`;
        }
        return `w.bytesOf(${v}, ${sizeArg(ty.size)}, ${p});`;
      case 'str':
        return `w.str(${v}, '${ty.encoding}', ${sizeArg(ty.size)}, ${ty.zeroTerminated}, ${p});`;
      case 'user': {
        const a = this.args(ty, t, refs);
        const fn = this.ref(ty.type, `write${ty.type.name}`);
        const write = `w.nested(${p}, ${index}, ${v}, ${a ? `(w: ${this.use('Writer')}, x: ${this.ref(ty.type, ty.type.name)}) => ${fn}(w, x${a})` : fn});`;
        const size = sizeArg(ty.size);
        // A type that reads to the end of its stream must fill its size: padding would be read back as more of it.
        const pad = readsToEnd(ty.type) ? 'filled' : 'pad';
        if (ty.bytewise) {
          // Written in place, then transformed in place by the inverse of what reading applies.
          const [fn, arg] = this.bytewiseCall(ty.bytewise, t, refs);
          return `{ const start = w.pos; ${write}${size === 'undefined' ? '' : ` w.${pad}(start, ${size}, ${p});`} w.${fn}Since(start, ${arg}${fn === 'xor' ? `, ${p}` : ''}); }`;
        }
        if (size === 'undefined') return write;
        return `{ const start = w.pos; ${write} w.${pad}(start, ${size}, ${p}); }`;
      }
      case 'switch': {
        // The switch value says which case the value must be; TypeScript cannot see that link.
        const E = this.use('EncodeError');
        const size = sizeArg(ty.size);
        const arm = (c: CaseType, what: string): string[] => {
          const [guard, name] = c.t === 'user' ? [`typeof x !== 'object' || x instanceof Uint8Array`, `a ${c.type.name}`] : [`typeof x !== '${caseTsType(c)}'`, `a ${caseTsType(c)}`];
          const cast = c.t === 'user' ? `(x as ${this.ref(c.type, c.type.name)})` : 'x';
          // A case type that reads to the end of the switch's bytes must fill them (padding would be read back as more of it).
          const fill = c.t === 'user' && size !== 'undefined' && readsToEnd(c.type) ? [`w.filled(start, ${size}, ${p});`] : [];
          return [`if (${guard}) throw new ${E}(${p}, 'expected ${name}${what}');`, this.writeElem(t, caseField(f, c), cast, index, refs), ...fill];
        };
        const arms = ty.cases.map((c) => [`case ${this.caseValue(t, c.match)}:`, ...[...arm(c.type, ' for this case'), 'break;'].map((l) => `  ${l}`)]);
        const last = ty.fallback
          ? arm(ty.fallback, '')
          : ty.size
            ? [`if (!(x instanceof Uint8Array)) throw new ${E}(${p}, 'expected raw bytes: no case matches the switch value');`, `w.bytesOf(x, ${size}, ${p});`]
            : skipsUnmatched(f)
              ? [`throw new ${E}(${p}, 'no case matches the switch value: there is no element to write');`]
              : [`if (x !== undefined) throw new ${E}(${p}, 'must be undefined: no case matches the switch value');`];
        const start = size === 'undefined' ? [] : ['const start = w.pos;'];
        const pad = size === 'undefined' ? [] : [`w.pad(start, ${size}, ${p});`];
        const body = [...start, `const x = ${value};`, `switch (${this.expr(ty.on, t, refs)} as unknown) {`, ...[...arms.flat(), 'default:', ...last.map((l) => `  ${l}`)].map((l) => `  ${l}`), '}', ...pad];
        return lines('{', ...body.map((l) => `  ${l}`), '}');
      }
      case 'intSwitch': {
        // The switch value picks the integer type; a value with no case to write must be absent.
        const on = this.expr(ty.on, t, refs);
        const x = value.endsWith('!') ? value : `${value}!`;
        const branches = ty.cases.map((c) => `if (${on} === ${this.expr(c.match, t, refs)}) ${intCaseWrite(c.type, x, p)}`);
        const last = ty.fallback
          ? intCaseWrite(ty.fallback, x, p)
          : f.repeat
            ? `throw new ${this.use('EncodeError')}(${p}, 'no case matches the switch value: there is no element to write');`
            : `if (${value} !== undefined) throw new ${this.use('EncodeError')}(${p}, 'must be undefined: no case matches the switch value');`;
        return branches.length ? `${branches.join(' else ')} else ${last}` : last;
      }
      case 'delimited': {
        const data = ty.encoding ? `${this.use('textBytes')}(${v}, '${ty.encoding}', ${p})` : v;
        return `w.delimited(${data}, ${sizeArg(ty.size)}, ${ty.term}, ${ty.include}, ${ty.pad}, ${p});`;
      }
      case 'contents':
        throw new Error('unreachable');
    }
  }

  /** What encode writes for an unnamed entry that has no value: zeros. */
  private zeroOf(t: TypeDef, f: Field, refs: (name: string) => string): string {
    const ty = f.type;
    // An unnamed field with `valid: eq` is written as the value its rule wants.
    if (f.validEq !== undefined && (ty.t === 'int' || ty.t === 'bits')) return bigValue(f) ? `${f.validEq}n` : String(f.validEq);
    if (ty.t === 'int') return ty.size === 8 ? '0n' : '0';
    if (ty.t === 'bits') return ty.bool ? 'false' : ty.width > 53 ? '0n' : '0';
    if (ty.t === 'bytes' && 'expr' in ty.size) return `new Uint8Array(${this.use('sizeIn')}(${this.expr(ty.size.expr, t, refs)}, '${f.id}'))`;
    // A sized string: NUL characters that fill its size (zero bytes).
    if (ty.t === 'str' && ty.size && 'expr' in ty.size) return `'\\0'.repeat(${this.use('sizeIn')}(${this.expr(ty.size.expr, t, refs)}, '${f.id}') / ${encodingUnit(ty.encoding)})`;
    return '0';
  }

  // ---- sizeOf (variable-size types)

  private emitSizeOf(t: TypeDef): void {
    const o = this.out;
    const N = t.name;
    o.push(`/** @internal Bytes ${N} takes when encoded. */`);
    o.push(`export function sizeOf${N}(v: ${N}${this.paramList(t)}): number {`);
    const refs = (name: string): string => {
      const f = t.fields.find((x) => x.id === name)!;
      return f.lengthOf ? '0' : `v.${tsProp(f)}`;
    };
    let fixed = 0;
    const lines: string[] = [];
    // Fields that sizes, counts and conditions compute with are range-checked first: a bad value
    // is then blamed on its own field, not on the sizes computed from it.
    for (const f of exprInputs(t)) {
      const ty = f.type as IntType | BitsType;
      if (ty.t === 'bits') {
        if (ty.width > 53) lines.push(`  ${this.use('bigIn')}(v.${tsProp(f)}, 0n, ${(1n << BigInt(ty.width)) - 1n}n, '${tsProp(f)}');`);
        else if (!ty.bool) lines.push(`  ${this.use('intIn')}(v.${tsProp(f)}, 0, ${2 ** ty.width - 1}, '${tsProp(f)}');`);
        continue;
      }
      const check = ty.size === 8 ? this.use('bigIn') : this.use('intIn');
      lines.push(`  ${check}(v.${tsProp(f)}, ${intRange(ty).join(', ')}, '${tsProp(f)}');`);
    }
    // A run of bit-sized fields takes whole bytes: its constant bits, plus `b` for the rest.
    let runBits = 0;
    let runDynamic = false;
    const endRun = (): void => {
      if (runDynamic) lines.push(`  n += Math.ceil((b + ${runBits}) / 8);`, '  b = 0;');
      else fixed += Math.ceil(runBits / 8);
      runBits = 0;
      runDynamic = false;
    };
    for (const f of t.fields) {
      const ty = f.type;
      if (ty.t === 'bits') {
        const n = f.repeat ? (f.repeat.kind === 'expr' ? constValue(f.repeat.count) : undefined) : 1;
        if (n !== undefined && !f.cond) {
          runBits += n * ty.width;
          continue;
        }
        runDynamic = true;
        const add = n !== undefined ? `b += ${n * ty.width};` : `b += ${ty.width} * (v.${tsProp(f)}?.length ?? 0);`;
        lines.push(f.cond ? `  if (${this.condition(f.cond, t, refs)}) ${add}` : `  ${add}`);
        continue;
      }
      endRun();
      if (ty.t === 'contents') {
        if (!f.repeat && !f.cond) fixed += ty.bytes.length;
        else lines.push(...this.contentsLines(t, f, `n += ${ty.bytes.length};`, (count) => `Math.max(0, Number(${count}))`, refs));
        continue;
      }
      if (f.lengthOf) {
        fixed += (ty as IntType).size;
        continue;
      }
      const value = `v.${tsProp(f)}`;
      const elemFixed = elemFixedSize(f);
      let add: string;
      if (!f.repeat) {
        if (elemFixed !== undefined && !f.cond) {
          fixed += elemFixed;
          continue;
        }
        add = `n += ${this.sizeElem(t, f, f.cond ? `${value}!` : value, refs)};`;
      } else if (elemFixed !== undefined) {
        add = `n += ${elemFixed} * (${value}?.length ?? 0);`;
      } else {
        // An element sized by its index (`_index`) is sized with it.
        add = f.indexed
          ? `for (const [i, item] of (${value} ?? []).entries()) n += ${this.sizeElem(t, f, 'item', refs, 'i')};`
          : `for (const item of ${value} ?? []) n += ${this.sizeElem(t, f, 'item', refs)};`;
      }
      lines.push(f.cond ? `  if (${this.condition(f.cond, t, refs)}) ${add}` : `  ${add}`);
    }
    endRun();
    const bitVar = lines.some((l) => l.includes('b = 0;')) ? ['  let b = 0;'] : [];
    o.push(`  let n = ${fixed};`, ...bitVar, ...lines, '  return n;', '}', '');
  }

  /** A `contents` field's statement (check, write or size), under its `if`, once per element of its `repeat: expr`. */
  private contentsLines(t: TypeDef, f: Field, one: string, count: (expr: string) => string, refs: (name: string) => string): string[] {
    let body = [`  ${one}`];
    if (f.repeat?.kind === 'expr') body = [`  for (let _ci = 0, _cn = ${count(this.expr(f.repeat.count, t, refs))}; _ci < _cn; _ci++) ${one}`];
    return f.cond ? [`  if (${this.condition(f.cond, t, refs)}) {`, ...body.map((l) => `  ${l}`), '  }'] : body;
  }

  /** `on === a ? <case a> : on === b ? <case b> : <default>` for a switch of integers (`on` is a pure expression). */
  private intCases(ty: Extract<FieldType, { t: 'intSwitch' }>, t: TypeDef, refs: (name: string) => string, each: (c: IntType | BitsType) => string, none: string): string {
    const on = this.expr(ty.on, t, refs);
    const last = ty.fallback ? each(ty.fallback) : none;
    return `(${ty.cases.map((c) => `${on} === ${this.expr(c.match, t, refs)} ? ${each(c.type)} : `).join('')}${last})`;
  }

  /** True when a case matches the switch value. */
  private matchesCase(t: TypeDef, ty: Extract<FieldType, { t: 'switch' | 'intSwitch' }>, refs: (name: string) => string): string {
    if (!ty.cases.length) return 'false';
    return `([${ty.cases.map((c) => this.caseValue(t, c.match)).join(', ')}] as unknown[]).includes(${this.expr(ty.on, t, refs)})`;
  }

  /** Bytes an unsized switch takes: those of the case its switch value selects. */
  private switchSize(t: TypeDef, f: Field, ty: Extract<FieldType, { t: 'switch' }>, value: string, refs: (name: string) => string): string {
    const E = this.use('EncodeError');
    const one = (c: CaseType, what: string): string[] => {
      // (a value of the wrong type: 0, writing it fails naming the field)
      if (c.t === 'str') return [`return typeof x === 'string' ? ${this.sizeElem(t, caseField(f, c), 'x', refs)} : 0;`];
      if (c.t !== 'user') return [`return ${caseBytes(c)};`];
      if (c.type.fixedSize !== undefined) return [`return ${c.type.fixedSize};`];
      const check = `if (typeof x !== 'object' || x instanceof Uint8Array) throw new ${E}('${tsProp(f)}', 'expected a ${c.type.name}${what}');`;
      return [check, `return ${this.sizeOfUser(c.type, `(x as ${this.ref(c.type, c.type.name)})`, this.args(c, t, refs))};`];
    };
    const arms = ty.cases.map((c) => [`case ${this.caseValue(t, c.match)}:`, ...one(c.type, ' for this case').map((l) => `  ${l}`)]);
    const last = ty.fallback ? one(ty.fallback, '') : [ty.size ? 'return x instanceof Uint8Array ? x.length : 0;' : 'return 0;'];
    const body = [...arms.flat(), 'default:', ...last.map((l) => `  ${l}`)];
    return lines(`((x: ${this.switchType(ty).join(' | ')}, on: unknown): number => {`, '  switch (on) {', ...body.map((l) => `    ${l}`), '  }', `})(${value}, ${this.expr(ty.on, t, refs)})`);
  }

  private sizeElem(t: TypeDef, f: Field, value: string, refs: (name: string) => string, index?: string): string {
    return this.atIndex(index, () => this.sizeOne(t, f, value, refs));
  }

  private sizeOne(t: TypeDef, f: Field, value: string, refs: (name: string) => string): string {
    const ty = f.type;
    const given = (s: Size | undefined): string | undefined =>
      s && 'expr' in s && !isLengthRef(t, s.expr) ? (constValue(s.expr) !== undefined ? this.expr(s.expr, t, refs) : `${this.use('sizeIn')}(${this.expr(s.expr, t, refs)}, '${tsProp(f)}')`) : undefined;
    switch (ty.t) {
      case 'int':
      case 'float':
        return String(ty.size);
      case 'bits':
        throw new Error('bit-sized fields are sized by run');
      case 'bytes':
        return given(ty.size) ?? `(${value}?.length ?? 0)`;
      case 'str': {
        const g = given(ty.size);
        if (g) return g;
        return `${this.use('textLength')}(${value}, '${ty.encoding}', '${tsProp(f)}')${ty.zeroTerminated ? ` + ${encodingUnit(ty.encoding)}` : ''}`;
      }
      case 'user':
        return given(ty.size) ?? this.sizeOfUser(ty.type, value, this.args(ty, t, refs));
      case 'switch':
        return given(ty.size) ?? this.switchSize(t, f, ty, value, refs);
      case 'intSwitch':
        return this.intCases(ty, t, refs, (c) => String(caseBytes(c)), '0');
      case 'delimited': {
        const len = ty.encoding ? `${this.use('textLength')}(${value}, '${ty.encoding}', '${tsProp(f)}')` : `(${value}?.length ?? 0)`;
        return given(ty.size) ?? (ty.include ? len : `${len} + 1`);
      }
      case 'contents':
        return String(ty.bytes.length);
    }
  }

  // ---- views

  private emitView(t: TypeDef): void {
    const o = this.out;
    const N = t.name;
    o.push(`/** Zero-copy view of a ${N} inside \`bytes\` (e.g. a mapping): getters and setters read and write the bytes in place. */`);
    // No base class and no initialized fields (`declare`): V8 builds the object in the
    // constructor alone, and a view used in a loop can be left unallocated.
    o.push(`export class ${N}View {`);
    o.push(`  static readonly SIZE = ${t.fixedSize};`);
    o.push(`  /** The array the view reads and writes. */`, `  declare readonly bytes: Uint8Array;`);
    o.push(`  /** Where the record starts in \`bytes\`. */`, `  declare readonly offset: number;`);
    o.push(`  private declare readonly dv: DataView;`, `  /** Where the record starts inside \`dv\`. */`, `  private declare readonly at: number;`, '');
    // `dv` and `at` are given by the codec's view (after its own check of the window, on the
    // array, DataView and byteOffset it keeps) and by a view's nested fields (inside its checked
    // window). V8 then drops the branch, and a constructor without one lets a view used in a
    // loop stay unallocated (a branch that may throw keeps it allocated).
    o.push(`  /** A view of the ${N} at \`offset\` in \`bytes\`; a DecodeError when it does not fit there. */`);
    o.push(`  constructor(bytes: Uint8Array, offset = 0, /** @internal */ dv?: DataView, /** @internal */ at?: number) {`);
    o.push(`    if (dv === undefined || at === undefined) {`);
    o.push(`      at = ${this.use('viewAt')}(bytes, offset, ${t.fixedSize}, '${N}');`, `      dv = ${this.use('fixedView')}();`, '    }');
    o.push(`    this.bytes = bytes;`, `    this.offset = offset;`, `    this.dv = dv;`, `    this.at = at;`, '  }', '');
    let at = 0;
    for (const f of t.fields) {
      const ty = f.type;
      const count = f.repeat ? constValue((f.repeat as { count: Expr }).count)! : 1;
      const elem = elemFixedSize(f)!;
      const prop = tsProp(f);
      const P = pascalOf(f);
      o.push(...doc(f.doc, '  '));
      if (ty.t === 'int' || ty.t === 'float') {
        const tsType = this.valueType({ ...f, repeat: undefined });
        const little = ty.size === 1 ? '' : ', true';
        const check =
          ty.t === 'float'
            ? `${this.use('num')}(v, '${prop}')`
            : ty.size === 8
              ? `${this.use('bigIn')}(v, ${intRange(ty).join(', ')}, '${prop}')`
              : `${this.use('intIn')}(v, ${intRange(ty).join(', ')}, '${prop}')`;
        const cast = f.enumDef ? ` as ${tsType}` : '';
        if (!f.repeat) {
          o.push(`  get ${f.viewName}(): ${tsType} {`, `    return this.dv.get${dvName(ty)}(this.at + ${at}${little})${cast};`, '  }');
          o.push(`  set ${f.viewName}(v: ${tsType}) {`, `    this.dv.set${dvName(ty)}(this.at + ${at}, ${check}${little});`, '  }');
        } else {
          const idx = `${this.use('checkIndex')}(i, ${count}, '${prop}')`;
          o.push(`  get${P}(i: number): ${tsType} {`, `    return this.dv.get${dvName(ty)}(this.at + ${at} + ${elem} * ${idx}${little})${cast};`, '  }');
          o.push(`  set${P}(i: number, v: ${tsType}): void {`, `    this.dv.set${dvName(ty)}(this.at + ${at} + ${elem} * ${idx}, ${check}${little});`, '  }');
        }
      } else if (ty.t === 'bytes') {
        const idx = f.repeat ? ` + ${elem} * ${this.use('checkIndex')}(i, ${count}, '${prop}')` : '';
        const sig = f.repeat ? `get${P}(i: number)` : `get ${f.viewName}()`;
        o.push(`  /** The bytes in place (a live window, not a copy). */`);
        o.push(`  ${sig}: Uint8Array {`, `    const start = this.offset + ${at}${idx};`, `    return this.bytes.subarray(start, start + ${elem});`, '  }');
      } else if (ty.t === 'user') {
        // Inside this view's checked window: the nested view takes its DataView and position.
        const V = this.ref(ty.type, `${ty.type.name}View`);
        if (f.repeat) {
          o.push(`  get${P}(i: number): ${V} {`, `    const d = ${at} + ${elem} * ${this.use('checkIndex')}(i, ${count}, '${prop}');`);
          o.push(`    return new ${V}(this.bytes, this.offset + d, this.dv, this.at + d);`, '  }');
        } else {
          o.push(`  get ${f.viewName}(): ${V} {`, `    return new ${V}(this.bytes, this.offset + ${at}, this.dv, this.at + ${at});`, '  }');
        }
      }
      at += elem * count;
    }
    const R = this.use('Reader');
    const W = this.use('Writer');
    o.push('', `  /** Copies the record out. */`, `  toObject(): ${N} {`, fastPath(t) ? `    return read${N}At(this.dv, this.at);` : `    return read${N}(new ${R}(this.bytes, this.offset, this.offset + ${t.fixedSize}));`, '  }');
    o.push('', `  /** Overwrites the whole record. */`, `  set(value: ${N}): void {`, `    write${N}(new ${W}(this.bytes, this.offset, this.offset + ${t.fixedSize}), value);`, '  }');
    o.push('}', '');
  }
}

/** A multi-line piece of code (indented where it lands by render()). */
/** A field whose TS value is a bigint (64-bit integers, bit fields wider than 53 bits). */
function bigValue(f: Field): boolean {
  return (f.type.t === 'int' && f.type.size === 8) || (f.type.t === 'bits' && f.type.width > 53);
}

function lines(...ls: string[]): string {
  return ls.join('\n');
}

/** Blittable types without value checks decode (and, without nested types, encode) in one step. */
function fastPath(t: TypeDef): boolean {
  return t.blittable && t.fields.every((f) => !f.validInEnum && f.validEq === undefined && !f.validCheck);
}

/** `value` cast to the int type's range: equal to `value` only when it is an integer that fits. */
function fitsInt(t: IntType, value: string): string {
  if (t.size === 4) return t.signed ? `(${value} | 0)` : `(${value} >>> 0)`;
  const shift = 32 - t.size * 8;
  return t.signed ? `((${value} << ${shift}) >> ${shift})` : `(${value} & 0x${(2 ** (t.size * 8) - 1).toString(16)})`;
}

/**
 * Runs of 1- and 2-byte integer fields of a blittable (little-endian) type that fill 4 bytes
 * exactly, keyed by their first field: read<T>At and write<T>At move each run as one int32, so
 * SYSTEMTIME's eight uint16 are four DataView accesses, not eight (each access checks the view's
 * map, length and bounds again: callgrind ~14 instructions).
 */
function int32Runs(t: TypeDef): Map<Field, Field[]> {
  const runs = new Map<Field, Field[]>();
  const small = (f: Field | undefined): f is Field => f !== undefined && !f.repeat && f.type.t === 'int' && f.type.size <= 2;
  for (let i = 0; i < t.fields.length; ) {
    const run: Field[] = [];
    let bytes = 0;
    for (let k = i; bytes < 4 && small(t.fields[k]); k++) {
      run.push(t.fields[k]!);
      bytes += (t.fields[k]!.type as IntType).size;
    }
    if (bytes === 4 && run.length > 1) {
      runs.set(run[0]!, run);
      i += run.length;
    } else i++;
  }
  return runs;
}

/** The int32 holding a run's values (each checked to fit its type), the first at the lowest bytes. */
function packRun(run: Field[], value: (f: Field) => string): string {
  let shift = 0;
  return run
    .map((f, k) => {
      const size = (f.type as IntType).size;
      const part = k === run.length - 1 ? value(f) : `(${value(f)} & 0x${(2 ** (size * 8) - 1).toString(16)})`;
      const out = shift === 0 ? part : `(${part} << ${shift})`;
      shift += size * 8;
      return out;
    })
    .join(' | ');
}

/** Each field of a run, from the int32 `w` that holds it. */
function unpackRun(run: Field[], w: string): string[] {
  let shift = 0;
  return run.map((f) => {
    const ty = f.type as IntType;
    const bits = ty.size * 8;
    const top = shift + bits === 32;
    const e = ty.signed
      ? top ? `${w} >> ${shift}` : `(${w} << ${32 - shift - bits}) >> ${32 - bits}`
      : top ? `${w} >>> ${shift}` : shift === 0 ? `${w} & 0x${(2 ** bits - 1).toString(16)}` : `(${w} >>> ${shift}) & 0x${(2 ** bits - 1).toString(16)}`;
    shift += bits;
    return e;
  });
}

function fastWritePath(t: TypeDef): boolean {
  return fastPath(t) && t.fields.every((f) => f.type.t !== 'user');
}

/** A blittable type whose nested types are too: gets write<T>At (its codec adds field names to errors by the checked writer). */
function writeAtOk(t: TypeDef): boolean {
  return fastPath(t) && t.fields.every((f) => f.type.t !== 'user' || writeAtOk(f.type.type));
}

/**
 * A variable-size type that write<T>To writes in one pass: numbers, text (UTF-8 or ASCII) and
 * bytes whose size is a length field, bytes of a constant size, nested types that are themselves
 * straight-line, and lists of those counted by a count field or a constant. No conditions, no
 * valid rules, no bit fields, no params.
 */
function writeToOk(t: TypeDef): boolean {
  if (t.decodeOnly || t.params.length || t.fixedSize !== undefined || t.fields.some((f) => f.hidden)) return false;
  return t.fields.every((f) => {
    if (f.cond || f.validInEnum || f.validEq !== undefined || f.validCheck) return false;
    const ty = f.type;
    if (f.lengthOf) {
      if (ty.t !== 'int' || ty.size > 4 || f.repeat) return false;
      const target = f.lengthOf.field;
      if (f.lengthOf.what === 'count') return target.repeat?.kind === 'expr';
      return !target.repeat && (target.type.t === 'str' || target.type.t === 'bytes');
    }
    if (f.repeat && (f.repeat.kind !== 'expr' || !(isLengthRef(t, f.repeat.count) || constValue(f.repeat.count) !== undefined))) return false;
    switch (ty.t) {
      case 'int':
      case 'float':
        return true;
      case 'str':
        return !f.repeat && (ty.encoding === 'UTF-8' || ty.encoding === 'ASCII') && !ty.zeroTerminated && ty.size !== undefined && 'expr' in ty.size && isLengthRef(t, ty.size.expr);
      case 'bytes':
        return !f.repeat && !ty.bytewise && 'expr' in ty.size && (isLengthRef(t, ty.size.expr) || constValue(ty.size.expr) !== undefined);
      case 'user':
        return !ty.args?.length && !ty.size && (writeAtOk(ty.type) || writeToOk(ty.type));
      default:
        return false;
    }
  });
}

function pascalOf(f: Field): string {
  const c = camel(f.id);
  return c.charAt(0).toUpperCase() + c.slice(1);
}

/** Value fields that the type's own expressions read (in sizes, counts, conditions, switches). */
function exprInputs(t: TypeDef): Field[] {
  const names = new Set<string>();
  for (const f of t.fields) {
    const ty = f.type;
    const exprs: Expr[] = [];
    if (f.cond) exprs.push(f.cond);
    if (f.repeat?.kind === 'expr') exprs.push(f.repeat.count);
    if ((ty.t === 'bytes' || ty.t === 'str' || ty.t === 'user' || ty.t === 'switch' || ty.t === 'delimited') && ty.size && 'expr' in ty.size) exprs.push(ty.size.expr);
    if (ty.t === 'switch' || ty.t === 'intSwitch') exprs.push(ty.on);
    exprs.push(...bytewiseExprs(ty));
    for (const e of exprs) refsOf(e).forEach((n) => names.add(n));
  }
  // A repeated field's elements are checked as each is written.
  return t.fields.filter((f) => names.has(f.id) && !f.lengthOf && !f.cond && !f.repeat && (f.type.t === 'int' || f.type.t === 'bits'));
}

/** A switch without a default case or size: no value at all when no case matches. */
export function mayBeEmptySwitch(f: Field): boolean {
  return (f.type.t === 'switch' && !f.type.fallback && !f.type.size && !f.repeat) || (f.type.t === 'intSwitch' && !f.type.fallback && !f.repeat);
}

/**
 * A repeated switch without a default (or size): an element whose switch value no case matches
 * is not there at all, as Kaitai reads it (repeated to the end of the stream, that would read
 * nothing forever: a decode error).
 */
export function skipsUnmatched(f: Field): boolean {
  return f.repeat !== undefined && f.repeat.kind !== 'until' && ((f.type.t === 'switch' && !f.type.fallback && !f.type.size) || (f.type.t === 'intSwitch' && !f.type.fallback));
}

function isLengthRef(t: TypeDef, e: Expr): boolean {
  return e.k === 'ref' && t.fields.find((x) => x.id === e.name)?.lengthOf !== undefined;
}

function collectImports(spec: SpecFile, seen = new Set<SpecFile>()): SpecFile[] {
  for (const i of spec.imports) {
    if (!seen.has(i)) {
      seen.add(i);
      collectImports(i, seen);
    }
  }
  return [...seen];
}

/** Fixed size of one element of a field, if every element has the same size. */
export function elemFixedSize(f: Field): number | undefined {
  const ty = f.type;
  const c = (s: Size | undefined): number | undefined => (s && 'expr' in s ? constValue(s.expr) : undefined);
  switch (ty.t) {
    case 'int':
    case 'float':
      return ty.size;
    case 'bits':
      return undefined;
    case 'contents':
      return ty.bytes.length;
    case 'bytes':
    case 'str':
    case 'switch':
    case 'delimited':
      return c(ty.size);
    case 'user':
      return ty.size ? c(ty.size) : ty.type.fixedSize;
  }
}

export function elemMin(f: Field): number {
  const ty = f.type;
  if (ty.t === 'user' && !ty.size) return ty.type.minSize;
  if (ty.t === 'str' && ty.zeroTerminated && !ty.size) return 1;
  if (ty.t === 'delimited' && !ty.size) return ty.eosError ? 1 : 0;
  return elemFixedSize(f) ?? 0;
}

/** The TypeScript module for one spec file; it imports the runtime from `runtimeModule`. */
export function emitTs(spec: SpecFile, runtimeModule = './twinmap-runtime.js'): string {
  return new TsModule(spec, runtimeModule).render();
}

/** An instance of `t` reads `f`'s substream (`io: f._io`). */
function keptStream(t: TypeDef, f: Field): boolean {
  return t.instances.some((i) => typeof i.io === 'object' && i.io.field === f);
}

/** A number or boolean (not repeated): without a value it still computes (NaN), as in Kaitai's JS. */
/** The params of `t` that expressions read through its objects: decoded values keep them. */
export function keptParams(t: TypeDef): Param[] {
  return t.params.filter((p) => paramsReadOutside.has(p));
}

function isScalar(f: Field): boolean {
  return !f.repeat && (f.type.t === 'int' || f.type.t === 'bits' || f.type.t === 'float' || f.type.t === 'intSwitch');
}

/** A field that reads bits itself (a bit-sized one, or a switch with a bit-sized case): a repeat to the end stops when no bits are left. */
export function readsBits(f: Field): boolean {
  const ty = f.type;
  if (ty.t === 'bits') return true;
  if (ty.t === 'intSwitch') return [...ty.cases.map((c) => c.type), ...(ty.fallback ? [ty.fallback] : [])].some((c) => c.t === 'bits');
  return ty.t === 'switch' && caseTypes(ty).some((c) => c.t === 'bits');
}

/** The TypeScript type of a case that is not a user type (as a field of that type holds it). */
function caseTsType(c: Exclude<CaseType, { t: 'user' }>): 'number' | 'bigint' | 'boolean' | 'string' {
  if (c.t === 'str') return 'string';
  if (c.t === 'bits') return c.bool ? 'boolean' : c.width > 53 ? 'bigint' : 'number';
  return c.t === 'int' && c.size === 8 ? 'bigint' : 'number';
}
