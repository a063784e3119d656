// Passes over the loaded model: which integer fields are lengths, each type's sizes (fixed,
// least, blittable), repeats that could spin, and which types are decode-only.
import { constValue, refsOf, walkExpr, type Expr } from './expr.js';
import { caseBytes, caseTypes, caseUserTypes, isSubByte, type Field, type Size, type SpecFile, type TypeDef, bytewiseExprs } from './model.js';
import { SpecError } from './spec-yaml.js';

/** A type and every type nested in it, depth-first. */
export function walkTypes(t: TypeDef): TypeDef[] {
  return [t, ...t.types.flatMap(walkTypes)];
}

/**
 * An integer field whose only use is being the whole `size` or `repeat-expr` of one later field
 * is a length: it is not part of the value, encode computes it.
 */
export function findLengthFields(t: TypeDef): void {
  const uses = new Map<string, number>();
  const count = (e: Expr | undefined): void => {
    if (e) for (const r of refsOf(e)) uses.set(r, (uses.get(r) ?? 0) + 1);
  };
  for (const f of [...t.fields, ...t.instances.flatMap((i) => (i.field ? [i.field] : []))]) {
    count(f.cond);
    if (f.repeat?.kind === 'expr') count(f.repeat.count);
    const ty = f.type;
    if ((ty.t === 'bytes' || ty.t === 'str' || ty.t === 'user' || ty.t === 'switch' || ty.t === 'delimited') && ty.size && 'expr' in ty.size) count(ty.size.expr);
    if (ty.t === 'switch' || ty.t === 'intSwitch') count(ty.on);
    if (ty.t === 'user') ty.args?.forEach(count);
    if (ty.t === 'switch') for (const c of caseTypes(ty)) if (c.t === 'user') c.args?.forEach(count);
    bytewiseExprs(ty).forEach(count);
  }
  // A field an instance reads is part of the value (the instance reads it from the decoded value).
  for (const i of t.instances) {
    for (const e of [i.value, i.pos]) if (e) for (const r of refsOf(e)) uses.set(r, (uses.get(r) ?? 0) + 2);
  }
  for (const f of t.fields) {
    // An unnamed entry may have no value to compute a length from: its size stays a field.
    if (f.cond || f.hidden) continue;
    const ty = f.type;
    const candidates: Array<[Expr, 'size' | 'count']> = [];
    if (f.repeat?.kind === 'expr') candidates.push([f.repeat.count, 'count']);
    // The size of a repeated field is each element's (not a length the value determines).
    else if (!f.repeat && (ty.t === 'bytes' || (ty.t === 'str' && !ty.zeroTerminated) || ty.t === 'user' || ty.t === 'switch') && ty.size && 'expr' in ty.size)
      candidates.push([ty.size.expr, 'size']);
    for (const [e, what] of candidates) {
      if (e.k !== 'ref' || e.param || e.instance || uses.get(e.name) !== 1) continue;
      const len = t.fields.find((x) => x.id === e.name);
      if (!len || len.cond || len.repeat || len.enumDef || len.validEq !== undefined || len.validCheck || len.type.t !== 'int') continue;
      len.lengthOf = { field: f, what };
    }
  }
}

const inProgress = new Set<TypeDef>();
const done = new Set<TypeDef>();

export function computeSizes(t: TypeDef): void {
  if (done.has(t) || inProgress.has(t)) return;
  inProgress.add(t);
  let fixed: number | undefined = 0;
  let min = 0;
  let blittable = true;
  // Bits of the current run of bit-sized fields: the run takes whole bytes.
  let runBits: number | undefined = 0;
  let runMin = 0;
  const endRun = (): void => {
    fixed = fixed !== undefined && runBits !== undefined ? fixed + Math.ceil(runBits / 8) : undefined;
    min += Math.floor(runMin / 8);
    runBits = 0;
    runMin = 0;
  };
  for (const f of t.fields) {
    if (f.type.t === 'bits') {
      blittable = false;
      t.touchesBits = true;
      const n = f.repeat ? (f.repeat.kind === 'expr' ? constValue(f.repeat.count) : undefined) : 1;
      runBits = runBits !== undefined && n !== undefined && !f.cond ? runBits + n * f.type.width : undefined;
      if (!f.cond && n !== undefined) runMin += n * f.type.width;
      if (!f.cond && n !== undefined && n > 0) readsBits.add(t);
      continue;
    }
    endRun();
    const one = elementSize(f);
    let fFixed = one.fixed;
    let fMin = one.min;
    if (f.repeat) {
      const n = f.repeat.kind === 'expr' ? constValue(f.repeat.count) : undefined;
      fFixed = n !== undefined && fFixed !== undefined ? n * fFixed : undefined;
      // (repeat: until reads at least one element)
      fMin = n !== undefined ? n * one.min : f.repeat.kind === 'until' ? one.min : 0;
      if (n === undefined) blittable = false;
    }
    if (f.cond) {
      fFixed = undefined;
      fMin = 0;
      blittable = false;
    }
    if (!one.blittable || f.hidden) blittable = false;
    // A struct cannot hold an inline array of byte arrays: such a type is a class (C#), no view (TS).
    if (f.repeat && f.type.t === 'bytes') blittable = false;
    fixed = fixed !== undefined && fFixed !== undefined ? fixed + fFixed : undefined;
    min += fMin;
  }
  endRun();
  inProgress.delete(t);
  done.add(t);
  t.fixedSize = fixed;
  t.minSize = min;
  t.blittable = blittable && fixed !== undefined && t.fields.length > 0 && t.instances.length === 0 && t.params.length === 0 && !t.keepsIo;
}

/** Every expression of a type: its fields' and its instances'. */
export function typeExprs(t: TypeDef): Expr[] {
  const out: Expr[] = [];
  const ofField = (f: Field): void => {
    const ty = f.type;
    if (f.cond) out.push(f.cond);
    if (f.repeat?.kind === 'expr') out.push(f.repeat.count);
    if (f.repeat?.kind === 'until') out.push(f.repeat.cond);
    if ((ty.t === 'bytes' || ty.t === 'str' || ty.t === 'user' || ty.t === 'switch' || ty.t === 'delimited') && ty.size && 'expr' in ty.size) out.push(ty.size.expr);
    if (ty.t === 'switch' || ty.t === 'intSwitch') out.push(ty.on);
    if (ty.t === 'user' && ty.args) out.push(...ty.args);
    if (ty.t === 'switch') for (const c of caseTypes(ty)) if (c.t === 'user' && c.args) out.push(...c.args);
    out.push(...bytewiseExprs(ty));
  };
  t.fields.forEach(ofField);
  for (const i of t.instances) {
    if (i.value) out.push(i.value);
    if (i.valueCond) out.push(i.valueCond);
    if (i.pos) out.push(i.pos);
    if (i.field) ofField(i.field);
  }
  return out;
}

/**
 * Which types cannot be written from their value: parse instances (read from anywhere in the
 * stream), expressions over the stream (`_io`), and types holding such a type.
 */
export function markDecodeOnly(specs: SpecFile[]): void {
  const all = specs.flatMap((s) => walkTypes(s.root));
  for (const t of all) {
    const parse = t.instances.find((i) => i.field);
    if (parse) t.decodeOnly = `instance '${parse.id}' is read from a position in the stream`;
    else if (t.switchedEndian) t.decodeOnly = 'its byte order is decided as it is read (meta/endian switch-on)';
    else if (t.fields.some(subByteCases)) t.decodeOnly = `field '${t.fields.find(subByteCases)!.id}' may read bits that are not whole bytes (a switch case of ${subByteWidth(t.fields.find(subByteCases)!)} bits), so its size in bytes depends on the bits around it`;
    else if (t.fields.some(zlibbed)) t.decodeOnly = `field '${t.fields.find(zlibbed)!.id}' is zlib-compressed and compressed bytes are not determined by what they inflate to`;
    else if (typeExprs(t).some((e) => { let io = false; walkExpr(e, (x) => { if (x.k === 'io') io = true; }); return io; }))
      t.decodeOnly = 'its expressions read the stream (_io)';
    else {
      const why = readsDecoded(t);
      if (why) t.decodeOnly = why;
    }
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const t of all) {
      if (t.decodeOnly) continue;
      for (const f of t.fields) {
        const ty = f.type;
        const inner = ty.t === 'user' ? [ty.type] : ty.t === 'switch' ? caseUserTypes(ty) : [];
        const d = inner.find((x) => x.decodeOnly);
        if (d) {
          t.decodeOnly = `field '${f.id}' holds a ${d.name}, which is decode-only`;
          changed = true;
          break;
        }
      }
    }
  }
  // No encoded size to speak of: a decode-only type has no SIZE.
  for (const t of all) if (t.decodeOnly) t.fixedSize = undefined;
}

/** A switch with a case of bits that are not whole bytes (`b4`). */
export function subByteCases(f: Field): boolean {
  return subByteWidth(f) !== undefined;
}

function subByteWidth(f: Field): number | undefined {
  const ty = f.type;
  const cases = ty.t === 'switch' ? caseTypes(ty) : ty.t === 'intSwitch' ? [...ty.cases.map((c) => c.type), ...(ty.fallback ? [ty.fallback] : [])] : [];
  const c = cases.find(isSubByte);
  return c?.t === 'bits' ? c.width : undefined;
}

/**
 * Why the seq's expressions need values only a decode has: the elements of a repeated field read
 * so far (its own arguments name it), a value instance or a param of another object.
 */
function readsDecoded(t: TypeDef): string | undefined {
  let why: string | undefined;
  const saved = t.instances;
  t.instances = [];
  try {
    for (const e of typeExprs(t))
      walkExpr(e, (x) => {
        if (why) return;
        if (x.k === 'ref' && x.building) why = `field '${x.name}' is read with values of its elements read before (its own arguments name it)`;
        else if (x.k === 'attr' && x.instance?.value) why = `its fields are read with value instance '${x.instance.id}' of another object, which only a decoded value has`;
        else if (x.k === 'attr' && x.param) why = `its fields are read with param '${x.param.id}' of another object, which only a decoded value has`;
      });
  } finally {
    t.instances = saved;
  }
  return why;
}

/** A field read through `process: zlib`. */
function zlibbed(f: Field): boolean {
  return (f.type.t === 'bytes' || f.type.t === 'user') && f.type.process === 'zlib';
}

export function elementSize(f: Field): { fixed: number | undefined; min: number; blittable: boolean } {
  const ty = f.type;
  const sized = (s: Size | undefined): number | undefined => (s && 'expr' in s ? constValue(s.expr) : undefined);
  /** The least size a `size:` expression can give (a choice of constants: the least of them). */
  const least = (s: Size | undefined): number => {
    const n = s && 'expr' in s ? leastSize(s.expr) : 0;
    return Number.isFinite(n) ? n : 0;
  };
  switch (ty.t) {
    case 'int':
    case 'float':
      return { fixed: ty.size, min: ty.size, blittable: ty.size === 1 || ty.endian === 'le' };
    case 'contents':
      return { fixed: ty.bytes.length, min: ty.bytes.length, blittable: false };
    case 'bytes': {
      const n = sized(ty.size);
      return { fixed: n, min: n ?? least(ty.size), blittable: n !== undefined && !ty.process && !ty.bytewise };
    }
    case 'str': {
      const n = sized(ty.size);
      return { fixed: n, min: n ?? (ty.zeroTerminated && !ty.size ? 1 : 0), blittable: false };
    }
    case 'bits':
      return { fixed: undefined, min: 0, blittable: false };
    case 'user': {
      computeSizes(ty.type);
      const n = sized(ty.size);
      if (ty.size) return { fixed: n, min: n ?? least(ty.size), blittable: false };
      return { fixed: ty.type.fixedSize, min: ty.type.minSize, blittable: ty.type.blittable };
    }
    case 'switch': {
      const n = sized(ty.size);
      if (ty.size || !ty.fallback) return { fixed: n, min: n ?? 0, blittable: false };
      // Unsized with a default: every choice reads at least its own least size.
      const mins = caseTypes(ty).map((c) => (c.t === 'user' ? (computeSizes(c.type), c.type.minSize) : c.t === 'str' ? (c.zeroTerminated && !c.size ? 1 : 0) : c.t === 'bits' ? Math.floor(c.width / 8) : c.size));
      return { fixed: undefined, min: Math.min(...mins), blittable: false };
    }
    case 'delimited': {
      const n = sized(ty.size);
      return { fixed: n, min: n ?? (ty.eosError ? 1 : 0), blittable: false };
    }
    case 'intSwitch': {
      // A case of bits that are not whole bytes (`b4`) takes the bits it needs: no whole byte for sure.
      const sizes = [...ty.cases.map((c) => c.type), ...(ty.fallback ? [ty.fallback] : [])].map((c) => caseBytes(c));
      if (!ty.fallback) sizes.push(0);
      const min = Math.min(...sizes.map((n) => n ?? 0));
      return { fixed: sizes.every((n) => n === min) ? min : undefined, min, blittable: false };
    }
  }
}

/**
 * The least size an expression gives: a constant, or the least of a `? :` of them; a negative
 * constant is a decode error, not a size (it reads nothing and stops the repeat). Otherwise 0.
 */
function leastSize(e: Expr): number {
  const c = constValue(e);
  if (c !== undefined) return c < 0 ? Number.POSITIVE_INFINITY : c;
  if (e.k === 'cond') return Math.min(leastSize(e.a), leastSize(e.b));
  return 0;
}

/**
 * Types that always read at least one bit (an unconditional bit-sized field): reading one moves
 * the stream on, even where its least size in whole bytes is 0 (bits left over in a byte).
 */
const readsBits = new WeakSet<TypeDef>();

export function checkRepeats(t: TypeDef): void {
  for (const f of [...t.fields, ...t.instances.flatMap((i) => (i.field ? [i.field] : []))]) {
    if (!f.repeat) continue;
    // A repeated bit-sized field reads at least one bit per element (counts are checked in bits);
    // a count of elements that may be 0 bytes long is bounded by the bytes left (countZeroSized).
    const min = elementSize(f).min;
    // A repeated switch of integers reads at least one bit per element (no case matching is an error then).
    const movesOn = f.type.t === 'bits' || f.type.t === 'intSwitch' || (f.type.t === 'user' && !f.type.size && readsBits.has(f.type.type));
    if (f.repeat.kind === 'expr' || movesOn || min > 0) continue;
    // Elements that may be 0 bytes long: Kaitai reads on (until the end, or the condition). An
    // element that read nothing leaves everything as it was, so the next one reads the same and
    // Kaitai loops forever: twinmap stops there with a DecodeError (see Field.mayStall). That holds
    // only where the element's read and the condition do not depend on which element it is.
    const where = `${f.specPath} (${t.name}.${f.id})`;
    const byIndex = (e: Expr): boolean => {
      let found = false;
      walkExpr(e, (x) => {
        if (x.k === 'index' || (x.k === 'ref' && x.name === f.id && !x.up)) found = true;
      });
      return found;
    };
    if (f.indexed || f.readsItself || fieldExprs(f).some(byIndex) || (f.repeat.kind === 'until' && byIndex(f.repeat.cond)))
      throw new SpecError(t.spec.path, where, `repeat: ${f.repeat.kind} of elements that can be 0 bytes long, read or tested by their index (_index), is not supported (it could loop without reading)`);
    f.mayStall = true;
  }
}

/**
 * True when reading the type takes everything to the end of its stream: its last field repeats
 * to the end (`repeat: eos`), is sized `size-eos`, or is a type that does. Written into a field
 * with a size, such a type must fill it: padding would be read back as more of it.
 */
export function readsToEnd(t: TypeDef, seen = new Set<TypeDef>()): boolean {
  if (seen.has(t)) return false;
  seen.add(t);
  const last = t.fields[t.fields.length - 1];
  if (!last) return false;
  if (last.repeat?.kind === 'eos') return true;
  const ty = last.type;
  if ((ty.t === 'bytes' || ty.t === 'str' || ty.t === 'user' || ty.t === 'switch') && ty.size && 'eos' in ty.size) return true;
  return ty.t === 'user' && !ty.size && readsToEnd(ty.type, seen);
}

/** The expressions a repeated field evaluates for each element (size, arguments, switch-on). */
function fieldExprs(f: Field): Expr[] {
  const ty = f.type;
  const out: Expr[] = [];
  if ((ty.t === 'bytes' || ty.t === 'str' || ty.t === 'user' || ty.t === 'switch' || ty.t === 'delimited') && ty.size && 'expr' in ty.size) out.push(ty.size.expr);
  if (ty.t === 'switch' || ty.t === 'intSwitch') out.push(ty.on);
  if (ty.t === 'user' && ty.args) out.push(...ty.args);
  if (ty.t === 'switch') for (const c of caseTypes(ty)) if (c.t === 'user' && c.args) out.push(...c.args);
  return out;
}
