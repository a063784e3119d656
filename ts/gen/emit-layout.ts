// Layout constants: the byte offset of every field whose place does not depend on the data (the
// fields before the first one of variable size, that one included), and the size of fixed-size
// types; for those fields also the values the spec fixes: `contents` of 1, 2 or 4 bytes as a
// little-endian number (`<field>ContentsLe`), `valid` equal / min / max (`<field>Valid`,
// `<field>Min`, `<field>Max`) and a constant repeat count (`<field>Count`). Code that works on
// the bytes in place (a channel's header in shared memory, a message header) uses them instead of
// retyping the spec's numbers. Compile-time constants on both sides: an `as const` object of
// numbers (TS) and a static class of `const` numbers (C#).
import { constValue, type Expr } from './expr.js';
import { elemFixedSize } from './emit-ts.js';
import { allEnums, allTypes, camel, pascal, type Field, type IntType, type SpecFile, type TypeDef } from './model.js';

export interface FieldPlace {
  field: Field;
  offset: number;
}

/** The fields of `t` at a fixed offset, in order; empty when even the first one moves. */
export function fixedPlaces(t: TypeDef): FieldPlace[] {
  const out: FieldPlace[] = [];
  let offset = 0;
  for (const f of t.fields) {
    if (f.type.t === 'bits') break; // bits have no byte offset of their own
    out.push({ field: f, offset });
    const elem = elemFixedSize(f);
    const count = f.repeat === undefined ? 1 : f.repeat.kind === 'expr' ? constValue(f.repeat.count as Expr) : undefined;
    if (f.cond || elem === undefined || count === undefined || count < 0) break;
    offset += elem * count;
  }
  return out;
}

/** A value the spec fixes for a field: its name suffix, the number, and the C# type that holds it. */
interface FixedValue {
  suffix: 'ContentsLe' | 'Valid' | 'Min' | 'Max' | 'Count';
  value: number;
  cs: string;
}

const csIntType = (t: IntType): string => (t.signed ? { 1: 'sbyte', 2: 'short', 4: 'int', 8: 'long' } : { 1: 'byte', 2: 'ushort', 4: 'uint', 8: 'ulong' })[t.size];

/** The values the spec fixes for `f` (see the header). */
export function fixedValues(f: Field): FixedValue[] {
  const out: FixedValue[] = [];
  const t = f.type;
  if (t.t === 'contents' && (t.bytes.length === 1 || t.bytes.length === 2 || t.bytes.length === 4)) {
    const value = t.bytes.reduceRight((v, b) => v * 256 + b, 0);
    out.push({ suffix: 'ContentsLe', value, cs: { 1: 'byte', 2: 'ushort', 4: 'uint' }[t.bytes.length]! });
  }
  if (t.t === 'int') {
    const cs = csIntType(t);
    if (f.validEq !== undefined) out.push({ suffix: 'Valid', value: f.validEq, cs });
    if (f.validCheck?.min !== undefined) out.push({ suffix: 'Min', value: f.validCheck.min, cs });
    if (f.validCheck?.max !== undefined) out.push({ suffix: 'Max', value: f.validCheck.max, cs });
  }
  if (f.repeat?.kind === 'expr') {
    const count = constValue(f.repeat.count);
    if (count !== undefined && count >= 0) out.push({ suffix: 'Count', value: count, cs: 'int' });
  }
  return out.filter((v) => Number.isSafeInteger(v.value));
}

/** Magic bytes in hex (they read as text in the bytes), other values in decimal. */
const numberText = (v: FixedValue): string => (v.suffix === 'ContentsLe' ? `0x${v.value.toString(16).padStart(2 * { byte: 1, ushort: 2, uint: 4 }[v.cs as 'byte']!, '0')}` : String(v.value));

/** The name of a type's layout constants: `<Type>Layout`, with `_` added if a type or enum has that name. */
export function layoutName(t: TypeDef, spec: SpecFile): string {
  const taken = new Set([...allTypes(spec), ...allEnums(spec)].map((x) => x.name));
  let name = `${t.name}Layout`;
  while (taken.has(name)) name += '_';
  return name;
}

/** The layout constants of every type of a spec, to follow its TypeScript module ('' if none). */
export function layoutsTs(spec: SpecFile): string {
  const lines = allTypes(spec).flatMap((t) => layoutTs(t, spec));
  return lines.length ? `\n${lines.join('\n').trimEnd()}\n` : '';
}

/** The layout constants of every type of a spec, to follow its C# file ('' if none). */
export function layoutsCs(spec: SpecFile): string {
  const lines = allTypes(spec).flatMap((t) => layoutCs(t, spec));
  return lines.length ? `\n${lines.join('\n').trimEnd()}\n` : '';
}

/** `export const <Type>Layout = { SIZE, field offsets } as const;` (nothing when no field has a fixed offset). */
function layoutTs(t: TypeDef, spec: SpecFile): string[] {
  const places = fixedPlaces(t);
  if (places.length === 0) return [];
  const what = t.fixedSize !== undefined ? `; SIZE: the type's size` : '';
  const lines = [`/** Byte offsets of ${t.name}'s fields that sit at a fixed place${what}. */`, `export const ${layoutName(t, spec)} = {`];
  if (t.fixedSize !== undefined) lines.push(`  SIZE: ${t.fixedSize},`);
  for (const p of places) lines.push(`  ${camel(p.field.id)}: ${p.offset},`);
  const taken = new Set(['SIZE', ...places.map((p) => camel(p.field.id))]);
  for (const p of places) {
    for (const v of fixedValues(p.field)) {
      let key = `${camel(p.field.id)}${v.suffix}`;
      while (taken.has(key)) key += '_';
      taken.add(key);
      lines.push(`  ${key}: ${numberText(v)},`);
    }
  }
  lines.push('} as const;', '');
  return lines;
}

/** `public static class <Type>Layout { public const int SIZE, field offsets }` (nothing when no field has a fixed offset). */
function layoutCs(t: TypeDef, spec: SpecFile): string[] {
  const places = fixedPlaces(t);
  if (places.length === 0) return [];
  const what = t.fixedSize !== undefined ? `; SIZE: the type's size` : '';
  const name = layoutName(t, spec);
  const lines = [`/// <summary>Byte offsets of ${t.name}'s fields that sit at a fixed place${what}.</summary>`, `public static class ${name}`, '{'];
  if (t.fixedSize !== undefined) lines.push(`    public const int SIZE = ${t.fixedSize};`);
  // A member may not have its class's name (CS0542).
  const member = (id: string) => (id === name ? `${name}_` : id);
  for (const p of places) lines.push(`    public const int ${member(pascal(p.field.id))} = ${p.offset};`);
  const taken = new Set(['SIZE', ...places.map((p) => member(pascal(p.field.id)))]);
  for (const p of places) {
    for (const v of fixedValues(p.field)) {
      let id = member(`${pascal(p.field.id)}${v.suffix}`);
      while (taken.has(id)) id += '_';
      taken.add(id);
      lines.push(`    public const ${v.cs} ${id} = ${numberText(v)};`);
    }
  }
  lines.push('}', '');
  return lines;
}
