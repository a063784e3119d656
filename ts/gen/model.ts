// The generator's view of a .ksy spec: only what the supported subset can express, with names
// resolved and sizes computed. Built by load.ts; read by the TS and C# emitters.
import type { Expr } from './expr.js';
import type { VType } from './expr-types.js';

export type Endian = 'le' | 'be';
/**
 * Text encodings, by Kaitai's canonical names: windows-1250 … windows-1258 and windows-874, the
 * ISO-8859 parts and code pages of SINGLE_BYTE_PAGES (one byte per character).
 */
export type Encoding = 'UTF-8' | 'ASCII' | 'UTF-16LE' | 'UTF-16BE' | 'ISO-8859-1' | `windows-125${number}` | 'windows-874' | `ISO-8859-${number}` | 'KOI8-R' | 'IBM437' | 'IBM866';

/**
 * Single-byte code pages beyond ISO-8859-1 and windows-125x that both platforms decode alike on
 * every byte (TextDecoder's WHATWG tables, .NET's code pages; IBM437 from the TS runtime's own table).
 */
export const SINGLE_BYTE_PAGES: readonly Encoding[] = ['ISO-8859-2', 'ISO-8859-4', 'ISO-8859-5', 'ISO-8859-13', 'ISO-8859-15', 'KOI8-R', 'IBM437', 'IBM866', 'windows-874'];

/** Bytes of one code unit (a zero-terminated string ends with one zero unit). */
export function encodingUnit(e: Encoding): 1 | 2 {
  return e === 'UTF-16LE' || e === 'UTF-16BE' ? 2 : 1;
}

export interface IntType {
  t: 'int';
  size: 1 | 2 | 4 | 8;
  signed: boolean;
  endian: Endian;
  /** The byte order is the type's switchable one (`meta/endian: {switch-on, cases}`), decided as it is read: `endian` does not count. */
  switched?: true;
}
export interface BitsType {
  t: 'bits';
  width: number;
  endian: Endian;
  bool: boolean;
}
export interface FloatType {
  t: 'float';
  size: 4 | 8;
  endian: Endian;
  /** See IntType.switched. */
  switched?: true;
}
/** How many bytes a field takes: an expression, or everything left in the stream. */
export type Size = { expr: Expr } | { eos: true };
/**
 * A byte-by-byte transform of a field's bytes (`process: xor(key)`, `rol(n)`, `ror(n)`): decode
 * applies it to the bytes read, encode applies its inverse to the bytes written. `key` is an
 * integer (its low byte) or bytes used in turn; `bits` rotates each byte, taken modulo 8.
 */
export type Bytewise = { op: 'xor'; key: Expr } | { op: 'rol' | 'ror'; bits: Expr };

export type FieldType =
  | IntType
  | FloatType
  /**
   * `process: zlib`: the `size` bytes read are zlib data; the value is what they inflate to.
   * `bytewise`: the bytes read are transformed byte by byte (xor, rol, ror).
   */
  | { t: 'bytes'; size: Size; process?: 'zlib'; bytewise?: Bytewise }
  | { t: 'str'; encoding: Encoding; size: Size | undefined; zeroTerminated: boolean }
  | { t: 'contents'; bytes: number[] }
  /**
   * A bit-sized integer (`bN`, N <= 32), read most (`be`) or least (`le`) significant bit first.
   * `b1` without an enum is a boolean. A byte-aligned field after bit fields starts at the next byte.
   */
  | BitsType
  /**
   * Bytes (`encoding` undefined) or a string with Kaitai's `terminator`/`pad-right` rules: with a
   * size, trailing `pad` bytes stripped then cut at `term`; without, read up to `term` (kept with
   * `include`). `term`/`pad` are -1 when the spec has none.
   */
  | { t: 'delimited'; encoding: Encoding | undefined; size: Size | undefined; term: number; include: boolean; eosError: boolean; pad: number }
  /**
   * `args`: the values passed to the type's `params` (`type: chunk(len, 2)`), in the caller's terms.
   * `process: zlib`: the type is read from what the `size` bytes inflate to (its own stream);
   * `bytewise`: from the `size` bytes transformed byte by byte (its own stream too).
   */
  | { t: 'user'; type: TypeDef; size: Size | undefined; args?: Expr[]; process?: 'zlib'; bytewise?: Bytewise }
  /**
   * A switch (`type: {switch-on, cases}`): the case `on` selects says what is read, a user type or
   * a number; with no matching case and no default, nothing (raw bytes when the switch has a size).
   */
  | { t: 'switch'; on: Expr; cases: SwitchCase[]; fallback: CaseType | undefined; size: Size | undefined }
  /**
   * A switch whose cases are all integers (`cases: {0xff: s4, _: u1}`): the value is a number read
   * as the case `on` selects; with no matching case and no default, there is no value (Kaitai's null).
   */
  | { t: 'intSwitch'; on: Expr; cases: IntCase[]; fallback: IntType | BitsType | undefined };

export interface IntCase {
  match: Expr;
  /** An integer type, or a bit-sized integer of up to 32 bits (not a `b1` flag). */
  type: IntType | BitsType;
}

/**
 * What one switch case reads: a user type (with the values it passes to its params), or a number,
 * a bit-sized integer (`b24`, read from the bit stream as a field of that type would be) or a
 * string (`str`/`strz`: in a sized switch, of the switch's size) read as a field of that type would be.
 */
export type CaseType = Extract<FieldType, { t: 'user' }> | IntType | FloatType | BitsType | StrType;

export type StrType = Extract<FieldType, { t: 'str' }>;

/** Bytes a case that is not a user type takes: undefined for a string, or bits that are not whole bytes. */
export function caseBytes(c: IntType | FloatType | BitsType | StrType): number | undefined {
  if (c.t === 'bits') return c.width % 8 === 0 ? c.width / 8 : undefined;
  return c.t === 'str' ? undefined : c.size;
}

/** A case of bits that are not whole bytes (`b4`): what it leaves in its last byte belongs to what follows. */
export function isSubByte(c: CaseType): boolean {
  return c.t === 'bits' && c.width % 8 !== 0;
}

export interface SwitchCase {
  /** An integer, enum or boolean literal. */
  match: Expr;
  type: CaseType;
}

/** The expressions of a field's byte-by-byte transform (its xor key or rotation), if it has one. */
export function bytewiseExprs(ty: FieldType): Expr[] {
  if ((ty.t !== 'bytes' && ty.t !== 'user') || !ty.bytewise) return [];
  return [ty.bytewise.op === 'xor' ? ty.bytewise.key : ty.bytewise.bits];
}

/** Every type a switch may read: its cases', then its default's. */
export function caseTypes(ty: Extract<FieldType, { t: 'switch' }>): CaseType[] {
  return [...ty.cases.map((c) => c.type), ...(ty.fallback ? [ty.fallback] : [])];
}

/** The user types a switch may read. */
export function caseUserTypes(ty: Extract<FieldType, { t: 'switch' }>): TypeDef[] {
  return caseTypes(ty).flatMap((c) => (c.t === 'user' ? [c.type] : []));
}

/** `until`: elements are read until `cond` holds for the last one read (`_`, `_index`). */
export type Repeat = { kind: 'expr'; count: Expr } | { kind: 'eos' } | { kind: 'until'; cond: Expr };

export interface Field {
  /** The .ksy id (snake_case). */
  id: string;
  /** Where it is in the spec, e.g. /types/hike/seq/2 (for error messages). */
  specPath: string;
  doc: string | undefined;
  type: FieldType;
  repeat: Repeat | undefined;
  cond: Expr | undefined;
  enumDef: EnumDef | undefined;
  /** `valid`: the value must be a known member of its enum. */
  validInEnum: boolean;
  /** `valid: eq`: the value must equal this. */
  validEq: number | undefined;
  /** `valid: {min, max}`, `{any-of}` or `{expr}` on an integer field: what the value must meet. */
  validCheck?: ValidCheck;
  /**
   * Set when this integer field only holds the length (or count) of one later field. Such a field
   * is not part of the record's value: decode uses it, encode computes it from the data.
   */
  lengthOf: { field: Field; what: 'size' | 'count' } | undefined;
  /**
   * An unnamed seq entry (Kaitai's `_unnamed<N>`): read and kept on the decoded value out of sight
   * (TS: not enumerable; C#: internal), and written back by encode (zeros when it has no value).
   */
  hidden?: true;
  /** A repeated field whose size, arguments or switch use `_index` (the index of the element read). */
  indexed?: true;
  /** A repeated field whose size, arguments or switch name the field itself: the elements read so far (decode-only). */
  readsItself?: true;
  /**
   * A `repeat: eos` or `repeat: until` of elements that may be 0 bytes long (whose reads do not
   * depend on `_index`): each element read must move the stream on (eos: unless at its end; until:
   * unless it meets the condition), else the read is a DecodeError where Kaitai would loop forever;
   * encode refuses an element that would read so.
   */
  mayStall?: true;
  /** The C# property name: PascalCase of the id, with `_` added where it would clash with a generated member. */
  csName: string;
  /** The name on a TypeScript view: camelCase of the id, with `_` added where it would clash with a view member. */
  viewName: string;
}

export interface ValidCheck {
  min?: number;
  max?: number;
  anyOf?: number[];
  /** A boolean expression over `_` (the value). */
  expr?: Expr;
  /**
   * On a byte array, string, float or boolean, the whole rule is `expr`; these are the values its
   * `eq`/`any-of` name (the values that meet it).
   */
  values?: Expr[];
  /** The rule as the spec gives it, for messages. */
  text: string;
}

export interface EnumDef {
  id: string;
  name: string;
  owner: TypeDef;
  /** `value` is the member's value as a number (rounded beyond 2^53); `exact` is the spec's integer. */
  members: { id: string; value: number; exact: bigint; doc: string | undefined }[];
  /** Used on a 64-bit field or holding values beyond 2^53: members are bigints in TypeScript. */
  wide: boolean;
}

export interface TypeDef {
  id: string;
  /** Generated type name (UpperCamelCase of the id), unique across one generation. */
  name: string;
  spec: SpecFile;
  parent: TypeDef | undefined;
  /** Where it is in the spec: '' for the root, '/types/hike' for a nested type. */
  specPath: string;
  doc: string | undefined;
  fields: Field[];
  types: TypeDef[];
  enums: EnumDef[];
  /** Encoded size when every instance has the same size. */
  fixedSize: number | undefined;
  /** The least number of bytes any instance takes (bounds hostile counts before allocating). */
  minSize: number;
  /** Fixed-size and made of numbers only: gets a zero-copy view (TS) and a blittable struct (C#). */
  blittable: boolean;
  /** Reads bit-sized integers itself or through a nested type in the same stream. */
  touchesBits: boolean;
  /**
   * Kaitai `params`: integer or boolean values the using type passes in (`type: chunk(len)`).
   * A type with params has no codec of its own: it is read and written as part of its user.
   */
  params: Param[];
  /** Kaitai `instances`: values computed from the fields, or read lazily from a position. */
  instances: Instance[];
  /**
   * Why the type cannot be written from its value (its bytes are not determined by it), e.g. a
   * positioned instance. Such a type is generated decode-only: no encode at all. Undefined: it has one.
   */
  decodeOnly: string | undefined;
  /** An instance reads the stream this type's values were read from (`io: x._io`): values keep it. */
  keepsIo?: boolean;
  /**
   * A switchable byte order (`meta/endian: {switch-on, cases}`), as Kaitai decides it when the type's
   * read starts: `owner` on the type that declares it (the switch value and the order each case
   * gives); the types inside it that inherit it get it as a boolean param `_is_le`.
   */
  switchedEndian?: { owner?: { on: Expr; cases: { match: Expr; le: boolean }[]; specPath: string } };
}

/** The param that carries an inherited switchable byte order (true: little-endian), as Kaitai's `_is_le`. */
export const IS_LE = '_is_le';

/**
 * A Kaitai instance. A value instance (`value`) is computed from the fields (an integer or a
 * boolean); a parse instance (`field`) is read at `pos` in the type's stream. Both are lazy:
 * computed (or read) on first access, as Kaitai does.
 */
export interface Instance {
  id: string;
  specPath: string;
  doc: string | undefined;
  value: Expr | undefined;
  /** A value instance's `if`: without it holding, the instance has no value. */
  valueCond?: Expr;
  /** A parse instance: what is read (type, repeat, if, enum), as for a seq field. */
  field: Field | undefined;
  /**
   * Where a parse instance is read, relative to the start of its stream (`io`, else the type's).
   * Without it, the instance reads wherever that stream is when first used, as Kaitai does (the
   * stream's position is shared by every type read from it).
   */
  pos: Expr | undefined;
  /**
   * `io: _root._io`: a parse instance read from the stream the whole decode reads; `io: f._io`
   * (`field`): from the substream a sized user-type field of the same type was read from.
   */
  io?: 'root' | { field: Field };
  /**
   * `io: a.b._io` or `io: _root.a.b._io`: the stream of the object that path reaches (fields and
   * parse instances, each a single user-type value), as Kaitai keeps it on every object.
   */
  ioPath?: { steps: IoStep[]; fromRoot: boolean };
  /**
   * `io: _parent._io` (`_parent._parent._io`, ...): the stream of the object that many levels up,
   * accepted where it is the type's own (each type on the way read without a substream).
   */
  ioParents?: number;
  csName: string;
  viewName: string;
}

/** One name of an `io:` path: a field or a parse instance of `owner`. */
export interface IoStep {
  id: string;
  /** The field, or the parse instance, named (its C# name is settled later). */
  member: Field | Instance;
  /** `block[0]`: the element of a repeated field (a constant index). */
  index?: number;
}

export interface SpecFile {
  /** Path as given (or resolved from an import). */
  path: string;
  id: string;
  root: TypeDef;
  imports: SpecFile[];
}

/** Every type of a spec file, the root first, nested types depth-first. */
export function allTypes(spec: SpecFile): TypeDef[] {
  const out: TypeDef[] = [];
  const walk = (t: TypeDef): void => {
    out.push(t);
    t.types.forEach(walk);
  };
  walk(spec.root);
  return out;
}

export function allEnums(spec: SpecFile): EnumDef[] {
  return allTypes(spec).flatMap((t) => t.enums);
}

/** Fields that are part of the record's value (not `contents`, not derived lengths). */
export function valueFields(t: TypeDef): Field[] {
  return t.fields.filter((f) => f.type.t !== 'contents' && f.lengthOf === undefined && !f.hidden);
}

/** A type's unnamed seq entries that hold a value (kept out of sight, see Field.hidden). */
export function hiddenFields(t: TypeDef): Field[] {
  return t.fields.filter((f) => f.hidden);
}

export function camel(id: string): string {
  return id.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function pascal(id: string): string {
  const c = camel(id);
  return c.charAt(0).toUpperCase() + c.slice(1);
}

export function primSize(t: FieldType): number | undefined {
  return t.t === 'int' || t.t === 'float' ? t.size : undefined;
}

/** A bit-sized field (alone or repeated): consecutive ones share bytes; anything else starts at the next byte. */
export function isBits(f: Field): boolean {
  return f.type.t === 'bits';
}

/** Kaitai aligns to the next byte before a field that is not bit-sized when the previous one was. */
export function alignsBefore(t: TypeDef, i: number): boolean {
  return i > 0 && isBits(t.fields[i - 1]!) && !isBits(t.fields[i]!);
}

/**
 * A type parameter (`params:`), named like a field in expressions: an integer, a boolean, or
 * (`value`) another value the using type holds (`vt`: a user-type object, an array, a byte array,
 * a string or a float), read through in expressions (`header.len_data`).
 */
export interface Param {
  id: string;
  kind: 'int' | 'bool' | 'value';
  vt?: VType;
  /**
   * A hidden param (`_parent.x`, `_root.x`) that only instances use, which some using type reads
   * after the type: passed as a function computing the value when first used (as Kaitai does).
   */
  lazy?: true;
}

/** A switch case read or written as a field of its own type (the switch's name, no repeat, no condition, no checks). */
export function caseField(f: Field, c: CaseType): Field {
  const { validCheck: _, ...rest } = f;
  return { ...rest, type: c, repeat: undefined, cond: undefined, enumDef: undefined, validInEnum: false, validEq: undefined, lengthOf: undefined };
}

/** Kaitai's encoding names (case-insensitive, with its aliases) to the canonical ones twinmap supports. */
export function normalizeEncoding(enc: string): Encoding | undefined {
  const u = enc.toUpperCase().replaceAll('_', '-');
  if (u === 'UTF-8' || u === 'UTF8') return 'UTF-8';
  if (u === 'ASCII' || u === 'US-ASCII') return 'ASCII';
  if (u === 'UTF-16LE' || u === 'UTF-16BE') return u;
  if (u === 'ISO-8859-1' || u === 'ISO8859-1' || u === 'LATIN1') return 'ISO-8859-1';
  const w = /^(?:CP|WINDOWS-?)(125[0-8]|874)$/.exec(u);
  if (w) return `windows-${w[1]!}` as Encoding;
  const alias = /^(?:ISO-?8859-(\d+)|(?:CP|IBM)-?(437|866)|(KOI8-R))$/.exec(u);
  const page = !alias ? undefined : alias[1] ? `ISO-8859-${alias[1]}` : alias[2] ? `IBM${alias[2]}` : 'KOI8-R';
  return SINGLE_BYTE_PAGES.find((e) => e === page);
}
