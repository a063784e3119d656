// The NRBF writer: a typed graph (decoded and modified, or built with the model's classes) to the
// bytes BinaryFormatter.Deserialize reads. Every object and array is written once, at the top
// level, and referred to by id, so shared and cyclic references stay shared; the walk uses a
// queue, not recursion, so depth is never a limit.
import { decimalToBits, isDecimalText } from './decimal.js';
import { NrbfEncodeError } from './errors.js';
import {
  NrbfArray,
  NrbfBoxed,
  NrbfDateTime,
  NrbfDecimal,
  NrbfDictionary,
  NrbfEnum,
  NrbfList,
  NrbfObject,
  NrbfSet,
  NrbfTimeSpan,
  SYSTEM_LIBRARY,
  type NrbfMemberType,
  type NrbfPrimitiveType,
  type NrbfValue,
} from './model.js';
import { BinaryArrayType, BinaryType, MAX_DATETIME_TICKS, PRIMITIVE_BY_SYSTEM_NAME, PRIMITIVE_CODE, RecordType } from './wire.js';

const utf8 = new TextEncoder();

class Out {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.length++] = v;
  }
  i32(v: number): void {
    this.room(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }
  put(write: (view: DataView, at: number) => void, n: number): void {
    this.room(n);
    write(this.view, this.length);
    this.length += n;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  string(s: string): void {
    const b = utf8.encode(s);
    let n = b.length;
    while (n >= 0x80) {
      this.u8((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    this.u8(n);
    this.bytes(b);
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

const MAX_INLINE_DEPTH = 1000;
const AQN_SUFFIX = 'mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089';

/** The assembly-qualified name BinaryFormatter puts inside generic type names (`[[T, assembly]]`). */
export function qualifiedTypeName(t: NrbfMemberType): string {
  switch (t.kind) {
    case 'primitive':
      return `System.${t.type}, ${AQN_SUFFIX}`;
    case 'string':
      return `System.String, ${AQN_SUFFIX}`;
    case 'object':
      return `System.Object, ${AQN_SUFFIX}`;
    case 'systemClass':
      return `${t.typeName}, ${AQN_SUFFIX}`;
    case 'class':
      return `${t.typeName}, ${t.libraryName}`;
    case 'objectArray':
      return `System.Object[], ${AQN_SUFFIX}`;
    case 'stringArray':
      return `System.String[], ${AQN_SUFFIX}`;
    case 'primitiveArray':
      return `System.${t.type}[], ${AQN_SUFFIX}`;
  }
}

function arrayTypeOf(t: NrbfMemberType): NrbfMemberType {
  switch (t.kind) {
    case 'primitive':
      return { kind: 'primitiveArray', type: t.type };
    case 'string':
      return { kind: 'stringArray' };
    case 'object':
      return { kind: 'objectArray' };
    case 'systemClass':
      return { kind: 'systemClass', typeName: `${t.typeName}[]` };
    case 'class':
      return { kind: 'class', typeName: `${t.typeName}[]`, libraryName: t.libraryName };
    default: {
      const inner = t.kind === 'objectArray' ? 'System.Object[]' : t.kind === 'stringArray' ? 'System.String[]' : `System.${t.type}[]`;
      return { kind: 'systemClass', typeName: `${inner}[]` };
    }
  }
}

function asType(t: NrbfMemberType | NrbfPrimitiveType): NrbfMemberType {
  return typeof t === 'string' ? { kind: 'primitive', type: t } : t;
}

/** A new `List<T>` (what BinaryFormatter reads back into a List<T> field). */
export function nrbfList(elementType: NrbfMemberType | NrbfPrimitiveType, items: NrbfValue[] = []): NrbfList {
  const et = asType(elementType);
  const list = new NrbfList({ typeName: `System.Collections.Generic.List\`1[[${qualifiedTypeName(et)}]]`, members: { _items: null, _size: 0, _version: 0 } });
  list.members.set('_items', new NrbfArray({ elementType: et, items: [] }));
  list.items = items;
  return list;
}

/** A new `Dictionary<K,V>` with the default comparer. */
export function nrbfDictionary(keyType: NrbfMemberType | NrbfPrimitiveType, valueType: NrbfMemberType | NrbfPrimitiveType, entries: Iterable<[NrbfValue, NrbfValue]> = []): NrbfDictionary {
  const k = asType(keyType);
  const v = asType(valueType);
  const args = `[${qualifiedTypeName(k)}],[${qualifiedTypeName(v)}]`;
  const primitiveKey = k.kind === 'primitive' || k.kind === 'string';
  const comparer = new NrbfObject({
    typeName: `System.Collections.Generic.${primitiveKey ? 'GenericEqualityComparer' : 'ObjectEqualityComparer'}\`1[[${qualifiedTypeName(k)}]]`,
    members: {},
    memberTypes: {},
  });
  const d = new NrbfDictionary({ typeName: `System.Collections.Generic.Dictionary\`2[${args}]`, members: { Version: 0, Comparer: comparer, HashSize: 0 } });
  d.members.set('KeyValuePairs', new NrbfArray({ elementType: { kind: 'systemClass', typeName: `System.Collections.Generic.KeyValuePair\`2[${args}]` }, items: [] }));
  for (const [key, value] of entries) d.entries.set(key, value);
  return d;
}

/** Encodes a graph to an NRBF payload. The root may be any value (null excepted). */
export function encodeNrbf(root: NrbfValue): Uint8Array {
  return new Encoder().run(root);
}

interface Meta {
  id: number;
}

interface Shape {
  names: string[];
  types: NrbfMemberType[];
  /** metaKey by `typeName \0 libraryName`. */
  keys: Map<string, string>;
}

class Encoder {
  private readonly out = new Out();
  private readonly ids = new Map<object, number>();
  private readonly strings = new Map<string, number>();
  private readonly libraries = new Map<string, number>();
  private readonly metas = new Map<string, Meta>();
  private readonly queue: Array<{ value: NrbfObject | NrbfArray | NrbfEnum | NrbfBoxed; path: string }> = [];
  private nextId = 1;
  private nextValueId = -1;
  private readonly shapes = new WeakMap<Map<string, NrbfMemberType>, Shape>();
  private inlineDepth = 0;

  run(root: NrbfValue): Uint8Array {
    const o = this.out;
    if (root === null || root === undefined) throw new NrbfEncodeError('', 'the root cannot be null');
    o.u8(RecordType.SerializedStreamHeader);
    o.i32(1);
    o.i32(-1);
    o.i32(1);
    o.i32(0);
    // the root gets id 1 (the header's RootId), before the libraries take theirs
    if (typeof root === 'string') {
      this.declareLibraries(root);
      this.writeString(root);
    } else {
      const top = typeof root === 'object' && !(root instanceof NrbfDecimal || root instanceof NrbfDateTime || root instanceof NrbfTimeSpan) ? root : boxOf(root, '');
      this.idOf(top, '');
      this.declareLibraries(root);
    }
    for (let i = 0; i < this.queue.length; i++) {
      const { value, path } = this.queue[i]!;
      this.writeTop(value, path);
    }
    o.u8(RecordType.MessageEnd);
    return o.result();
  }

  /**
   * Every library the graph names, written first: NrbfDecoder refuses a BinaryLibrary record in the
   * middle of an array's elements, where an inline struct from another assembly would need one.
   */
  private declareLibraries(root: NrbfValue): void {
    const seen = new Set<object>();
    const stack: NrbfValue[] = [root];
    const type = (t: NrbfMemberType | undefined): void => {
      if (t?.kind === 'class') this.library(t.libraryName);
    };
    while (stack.length > 0) {
      const v = stack.pop();
      if (v === null || v === undefined || typeof v !== 'object' || seen.has(v)) continue;
      seen.add(v);
      if (v instanceof NrbfEnum) {
        if (v.libraryName !== SYSTEM_LIBRARY) this.library(v.libraryName);
      } else if (v instanceof NrbfArray) {
        type(v.elementType);
        if (Array.isArray(v.items)) for (const x of v.items as NrbfValue[]) stack.push(x);
      } else if (v instanceof NrbfObject) {
        if (v.libraryName !== SYSTEM_LIBRARY) this.library(v.libraryName);
        if (v.memberTypes !== undefined && !seen.has(v.memberTypes)) {
          seen.add(v.memberTypes);
          v.memberTypes.forEach(type);
        }
        for (const x of v.members.values()) stack.push(x);
        if (v instanceof NrbfList) for (const x of v.items) stack.push(x);
        if (v instanceof NrbfSet) for (const x of v.items) stack.push(x);
        if (v instanceof NrbfDictionary) for (const [k, x] of v.entries) stack.push(k, x);
      }
    }
  }

  /** The id of an object; queues it to be written the first time. */
  private idOf(v: NrbfObject | NrbfArray | NrbfEnum | NrbfBoxed, path: string): number {
    let id = this.ids.get(v);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(v, id);
      this.queue.push({ value: v, path });
    }
    return id;
  }

  private library(name: string): number {
    let id = this.libraries.get(name);
    if (id === undefined) {
      id = this.nextId++;
      this.libraries.set(name, id);
      this.out.u8(RecordType.BinaryLibrary);
      this.out.i32(id);
      this.out.string(name);
    }
    return id;
  }

  private writeString(s: string): void {
    const seen = this.strings.get(s);
    if (seen !== undefined) {
      this.out.u8(RecordType.MemberReference);
      this.out.i32(seen);
      return;
    }
    const id = this.nextId++;
    this.strings.set(s, id);
    this.out.u8(RecordType.BinaryObjectString);
    this.out.i32(id);
    this.out.string(s);
  }

  private writeTop(v: NrbfObject | NrbfArray | NrbfEnum | NrbfBoxed, path: string): void {
    this.writeObject(v, this.ids.get(v)!, path);
  }

  private writeObject(v: NrbfObject | NrbfArray | NrbfEnum | NrbfBoxed, id: number, path: string): void {
    if (v instanceof NrbfArray) return this.writeArray(v, id, path);
    if (v instanceof NrbfEnum) {
      const t = v.underlying;
      return this.writeClass(id, v.typeName, v.libraryName, ['value__'], [{ kind: 'primitive', type: t }], [v.value], path);
    }
    if (v instanceof NrbfBoxed) return this.writeBoxedRoot(v, id, path);
    const members = collectionMembers(v, path);
    const values = [...members.values()];
    // objects of one decoded class share their memberTypes Map: reuse its names, types and key
    const shape = this.shapeOf(v, members);
    if (shape !== undefined) return this.writeClass(id, v.typeName, v.libraryName, shape.names, shape.types, values, path, shape);
    const names = [...members.keys()];
    const types = names.map((n, i) => v.memberTypes?.get(n) ?? inferType(values[i]!));
    this.writeClass(id, v.typeName, v.libraryName, names, types, values, path);
  }

  /** The cached names/types of an object whose members are exactly its memberTypes, in order. */
  private shapeOf(v: NrbfObject, members: Map<string, NrbfValue>): Shape | undefined {
    const mt = v.memberTypes;
    if (mt === undefined || mt.size !== members.size) return undefined;
    let shape = this.shapes.get(mt);
    if (shape === undefined) {
      shape = { names: [...mt.keys()], types: [...mt.values()], keys: new Map() };
      this.shapes.set(mt, shape);
    }
    let i = 0;
    for (const name of members.keys()) if (name !== shape.names[i++]) return undefined;
    return shape;
  }

  /** A primitive at the root: the system class of its type with its internal fields, as BinaryFormatter writes it. */
  private writeBoxedRoot(b: NrbfBoxed, id: number, path: string): void {
    const name = `System.${b.type}`;
    switch (b.type) {
      case 'DateTime': {
        const d = b.value as NrbfDateTime;
        const raw = d.ticks | (BigInt(d.kind === 'Utc' ? 1 : d.kind === 'Local' ? 2 : 0) << 62n);
        return this.writeClass(id, name, SYSTEM_LIBRARY, ['ticks', 'dateData'], [{ kind: 'primitive', type: 'Int64' }, { kind: 'primitive', type: 'UInt64' }], [d.ticks, raw], path);
      }
      case 'TimeSpan':
        return this.writeClass(id, name, SYSTEM_LIBRARY, ['_ticks'], [{ kind: 'primitive', type: 'Int64' }], [(b.value as NrbfTimeSpan).ticks], path);
      case 'Decimal': {
        const bits = decimalToBits((b.value as NrbfDecimal).text);
        const int: NrbfMemberType = { kind: 'primitive', type: 'Int32' };
        return this.writeClass(id, name, SYSTEM_LIBRARY, ['flags', 'hi', 'lo', 'mid'], [int, int, int, int], [bits.flags, bits.hi, bits.lo, bits.mid], path);
      }
      default:
        return this.writeClass(id, name, SYSTEM_LIBRARY, ['m_value'], [{ kind: 'primitive', type: b.type }], [b.value], path);
    }
  }

  private writeClass(id: number, typeName: string, libraryName: string, names: string[], types: NrbfMemberType[], values: NrbfValue[], path: string, shape?: Shape): void {
    const o = this.out;
    const system = libraryName === SYSTEM_LIBRARY;
    // libraries named by member types come first (declareLibraries wrote them all up front; this
    // only guards against writing one in the middle of this record)
    for (const t of types) if (t.kind === 'class') this.library(t.libraryName);
    const libId = system ? 0 : this.library(libraryName);
    let key = shape?.keys.get(typeName + '\u0000' + libraryName);
    if (key === undefined) {
      key = metaKey(typeName, libraryName, names, types);
      shape?.keys.set(typeName + '\u0000' + libraryName, key);
    }
    const meta = this.metas.get(key);
    if (meta !== undefined) {
      o.u8(RecordType.ClassWithId);
      o.i32(id);
      o.i32(meta.id);
    } else {
      this.metas.set(key, { id });
      o.u8(system ? RecordType.SystemClassWithMembersAndTypes : RecordType.ClassWithMembersAndTypes);
      o.i32(id);
      o.string(typeName);
      o.i32(names.length);
      for (const n of names) o.string(n);
      for (const t of types) o.u8(binaryType(t));
      for (const t of types) this.additionalInfo(t);
      if (!system) o.i32(libId);
    }
    names.forEach((n, i) => this.writeValue(values[i]!, types[i]!, `${path}.${n}`));
  }

  private additionalInfo(t: NrbfMemberType): void {
    const o = this.out;
    switch (t.kind) {
      case 'primitive':
      case 'primitiveArray':
        o.u8(PRIMITIVE_CODE[t.type]);
        return;
      case 'systemClass':
        o.string(t.typeName);
        return;
      case 'class':
        o.string(t.typeName);
        o.i32(this.library(t.libraryName));
        return;
      default:
    }
  }

  /** A value in a slot of the declared type: raw for primitives, a record otherwise. */
  private writeValue(v: NrbfValue, t: NrbfMemberType, path: string): void {
    if (t.kind === 'primitive') {
      const raw = v instanceof NrbfBoxed ? v.value : v;
      return this.primitive(raw, t.type, path);
    }
    const o = this.out;
    if (v === null || v === undefined) {
      o.u8(RecordType.ObjectNull);
      return;
    }
    if (typeof v === 'string') return this.writeString(v);
    if (v instanceof NrbfBoxed || typeof v !== 'object' || v instanceof NrbfDecimal || v instanceof NrbfDateTime || v instanceof NrbfTimeSpan) {
      // a set Nullable<T> field is declared as T's system class and holds a boxed T
      if (t.kind !== 'object' && !(t.kind === 'systemClass' && (t.typeName.startsWith('System.Nullable`1') || PRIMITIVE_BY_SYSTEM_NAME[t.typeName] !== undefined))) {
        throw new NrbfEncodeError(path, `a primitive value where a ${describe(t)} is declared`);
      }
      const b = v instanceof NrbfBoxed ? v : boxOf(v, path);
      o.u8(RecordType.MemberPrimitiveTyped);
      o.u8(PRIMITIVE_CODE[b.type]);
      return this.primitive(b.value, b.type, path);
    }
    if (v instanceof NrbfEnum || (v instanceof NrbfObject && v.valueType)) {
      // structs and enums are written inline, as BinaryFormatter writes (and expects) them
      if (++this.inlineDepth > MAX_INLINE_DEPTH) throw new NrbfEncodeError(path, `structs nest deeper than ${MAX_INLINE_DEPTH} (a cycle of value types?)`);
      this.writeObject(v, this.nextValueId--, path);
      this.inlineDepth--;
      return;
    }
    o.u8(RecordType.MemberReference);
    o.i32(this.idOf(v, path));
  }

  private primitive(v: NrbfValue, t: NrbfPrimitiveType, path: string): void {
    const o = this.out;
    const bad = (): never => {
      throw new NrbfEncodeError(path, `${typeof v === 'object' ? (v?.constructor.name ?? 'null') : typeof v} ${String(v).slice(0, 40)} is not a ${t}`);
    };
    const int = (min: number, max: number): number => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : bad());
    const big = (min: bigint, max: bigint): bigint => {
      const b = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : bad();
      return b >= min && b <= max ? b : bad();
    };
    switch (t) {
      case 'Boolean':
        return o.u8(typeof v === 'boolean' ? (v ? 1 : 0) : bad());
      case 'Byte':
        return o.u8(int(0, 255));
      case 'SByte':
        return o.u8(int(-128, 127) & 0xff);
      case 'Int16': {
        const n = int(-32768, 32767);
        return o.put((d, at) => d.setInt16(at, n, true), 2);
      }
      case 'UInt16': {
        const n = int(0, 65535);
        return o.put((d, at) => d.setUint16(at, n, true), 2);
      }
      case 'Int32':
        return o.i32(int(-2147483648, 2147483647));
      case 'UInt32': {
        const n = int(0, 4294967295);
        return o.put((d, at) => d.setUint32(at, n, true), 4);
      }
      case 'Int64': {
        const n = big(-(1n << 63n), (1n << 63n) - 1n);
        return o.put((d, at) => d.setBigInt64(at, n, true), 8);
      }
      case 'UInt64': {
        const n = big(0n, (1n << 64n) - 1n);
        return o.put((d, at) => d.setBigUint64(at, n, true), 8);
      }
      case 'Single': {
        const n = typeof v === 'number' ? v : bad();
        return o.put((d, at) => d.setFloat32(at, n, true), 4);
      }
      case 'Double': {
        const n = typeof v === 'number' ? v : bad();
        return o.put((d, at) => d.setFloat64(at, n, true), 8);
      }
      case 'Char': {
        if (typeof v !== 'string' || v.length !== 1) return bad();
        const c = v.charCodeAt(0);
        if (c >= 0xd800 && c <= 0xdfff) throw new NrbfEncodeError(path, 'a lone surrogate Char (BinaryFormatter refuses it)');
        return o.bytes(utf8.encode(v));
      }
      case 'Decimal': {
        const text = v instanceof NrbfDecimal ? v.text : bad();
        if (!isDecimalText(text)) throw new NrbfEncodeError(path, `${JSON.stringify(text)} is not a .NET decimal`);
        return o.string(text);
      }
      case 'DateTime': {
        const d = v instanceof NrbfDateTime ? v : bad();
        if (d.ticks < 0n || d.ticks > MAX_DATETIME_TICKS) throw new NrbfEncodeError(path, `DateTime ticks ${d.ticks} out of range`);
        const raw = d.ticks | (BigInt(d.kind === 'Utc' ? 1 : d.kind === 'Local' ? 2 : 0) << 62n);
        return o.put((dv, at) => dv.setBigUint64(at, raw, true), 8);
      }
      case 'TimeSpan': {
        const s = v instanceof NrbfTimeSpan ? v.ticks : bad();
        const n = BigInt.asIntN(64, s) === s ? s : bad();
        return o.put((d, at) => d.setBigInt64(at, n, true), 8);
      }
    }
  }

  private writeArray(a: NrbfArray, id: number, path: string): void {
    const o = this.out;
    const et = a.elementType;
    const total = a.lengths.reduce((x, y) => x * y, 1);
    if (a.items.length !== total) throw new NrbfEncodeError(path, `${a.items.length} items for lengths ${a.lengths.join('x')}`);
    const single = a.shape === 'single' && a.rank === 1 && a.lowerBounds === undefined;
    if (single && (et.kind === 'primitive' || et.kind === 'string' || et.kind === 'object')) {
      o.u8(et.kind === 'primitive' ? RecordType.ArraySinglePrimitive : et.kind === 'string' ? RecordType.ArraySingleString : RecordType.ArraySingleObject);
      o.i32(id);
      o.i32(total);
      if (et.kind === 'primitive') {
        o.u8(PRIMITIVE_CODE[et.type]);
        return this.primitiveItems(a, et.type, path);
      }
      return this.recordItems(a.items as NrbfValue[], et, path);
    }
    if (et.kind === 'class') this.library(et.libraryName);
    const offset = a.lowerBounds !== undefined;
    const kind =
      a.shape === 'jagged'
        ? offset
          ? BinaryArrayType.JaggedOffset
          : BinaryArrayType.Jagged
        : a.shape === 'rectangular'
          ? offset
            ? BinaryArrayType.RectangularOffset
            : BinaryArrayType.Rectangular
          : offset
            ? BinaryArrayType.SingleOffset
            : BinaryArrayType.Single;
    o.u8(RecordType.BinaryArray);
    o.i32(id);
    o.u8(kind);
    o.i32(a.rank);
    for (const l of a.lengths) o.i32(l);
    if (offset) for (const b of a.lowerBounds!) o.i32(b);
    o.u8(binaryType(et));
    this.additionalInfo(et);
    if (et.kind === 'primitive') return this.primitiveItems(a, et.type, path);
    this.recordItems(Array.from(a.items as ArrayLike<NrbfValue>), et, path, a.rank === 1);
  }

  private primitiveItems(a: NrbfArray, t: NrbfPrimitiveType, path: string): void {
    const items = a.items;
    if (t === 'Byte' && items instanceof Uint8Array) return this.out.bytes(items);
    if (t === 'Char') {
      // a Char[] is the UTF-8 of the whole array: a surrogate pair is one 4-byte sequence
      const text = (items as NrbfValue[]).map((c, i) => (typeof c === 'string' && c.length === 1 ? c : this.primitive(c, 'Char', `${path}[${i}]`))).join('');
      if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) throw new NrbfEncodeError(path, 'a Char[] with a lone surrogate (BinaryFormatter would write U+FFFD)');
      return this.out.bytes(utf8.encode(text));
    }
    for (let i = 0; i < items.length; i++) this.primitive((items as ArrayLike<NrbfValue>)[i]!, t, `${path}[${i}]`);
  }

  private recordItems(items: NrbfValue[], et: NrbfMemberType, path: string, nullRuns = true): void {
    const o = this.out;
    for (let i = 0; i < items.length; ) {
      if (items[i] === null || items[i] === undefined) {
        let n = 1;
        // BinaryFormatter misplaces the elements after a null run in a multi-dimensional array
        while (nullRuns && i + n < items.length && (items[i + n] === null || items[i + n] === undefined)) n++;
        if (n === 1) o.u8(RecordType.ObjectNull);
        else if (n < 256) {
          o.u8(RecordType.ObjectNullMultiple256);
          o.u8(n);
        } else {
          o.u8(RecordType.ObjectNullMultiple);
          o.i32(n);
        }
        i += n;
        continue;
      }
      this.writeValue(items[i]!, et.kind === 'string' || et.kind === 'primitive' ? et : et.kind === 'systemClass' && PRIMITIVE_BY_SYSTEM_NAME[et.typeName] ? et : { kind: 'object' }, `${path}[${i}]`);
      i++;
    }
  }
}

/** Objects with equal keys share their metadata (ClassWithId). */
function metaKey(typeName: string, libraryName: string, names: string[], types: NrbfMemberType[]): string {
  let key = `${typeName}\u0000${libraryName}`;
  for (let i = 0; i < names.length; i++) {
    const t = types[i]!;
    key += `\u0000${names[i]}\u0001${t.kind}`;
    if ('type' in t) key += `\u0001${t.type}`;
    if ('typeName' in t) key += `\u0001${t.typeName}`;
    if ('libraryName' in t) key += `\u0001${t.libraryName}`;
  }
  return key;
}

function binaryType(t: NrbfMemberType): number {
  switch (t.kind) {
    case 'primitive':
      return BinaryType.Primitive;
    case 'string':
      return BinaryType.String;
    case 'object':
      return BinaryType.Object;
    case 'systemClass':
      return BinaryType.SystemClass;
    case 'class':
      return BinaryType.Class;
    case 'objectArray':
      return BinaryType.ObjectArray;
    case 'stringArray':
      return BinaryType.StringArray;
    case 'primitiveArray':
      return BinaryType.PrimitiveArray;
  }
}

function describe(t: NrbfMemberType): string {
  return 'typeName' in t ? t.typeName : 'type' in t ? `${t.kind} ${t.type}` : t.kind;
}

/** A plain JS value in an object-typed slot: its boxed type (numbers: Int32 if integral, else Double). */
function boxOf(v: NrbfValue, path: string): NrbfBoxed {
  if (typeof v === 'boolean') return new NrbfBoxed('Boolean', v);
  if (typeof v === 'bigint') return new NrbfBoxed('Int64', v);
  if (typeof v === 'number') return new NrbfBoxed(Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0) ? 'Int32' : 'Double', v);
  if (v instanceof NrbfDecimal) return new NrbfBoxed('Decimal', v);
  if (v instanceof NrbfDateTime) return new NrbfBoxed('DateTime', v);
  if (v instanceof NrbfTimeSpan) return new NrbfBoxed('TimeSpan', v);
  throw new NrbfEncodeError(path, `cannot box ${typeof v}`);
}

/** The member type the writer declares for a member whose type was not given. */
export function inferType(v: NrbfValue): NrbfMemberType {
  if (v === null || v === undefined || v instanceof NrbfBoxed) return { kind: 'object' };
  if (typeof v === 'string') return { kind: 'string' };
  if (typeof v !== 'object' || v instanceof NrbfDecimal || v instanceof NrbfDateTime || v instanceof NrbfTimeSpan) {
    return { kind: 'primitive', type: boxOf(v, '').type };
  }
  if (v instanceof NrbfArray) {
    if (v.rank !== 1 || v.shape !== 'single' || v.lowerBounds !== undefined) return { kind: 'object' };
    return arrayTypeOf(v.elementType);
  }
  return v.libraryName === SYSTEM_LIBRARY ? { kind: 'systemClass', typeName: v.typeName } : { kind: 'class', typeName: v.typeName, libraryName: v.libraryName };
}

/** A collection's members, rebuilt from its items/entries (so edits to them are what is written). */
function collectionMembers(v: NrbfObject, path: string): Map<string, NrbfValue> {
  if (v instanceof NrbfList) {
    const old = v.members.get('_items');
    const et = old instanceof NrbfArray ? old.elementType : ({ kind: 'object' } as const);
    const m = new Map(v.members);
    m.set('_items', new NrbfArray({ elementType: et, items: v.items.slice() }));
    m.set('_size', v.items.length);
    if (!m.has('_version')) m.set('_version', 0);
    return m;
  }
  if (v instanceof NrbfSet) {
    const old = v.members.get('Elements');
    const et = old instanceof NrbfArray ? old.elementType : ({ kind: 'object' } as const);
    const m = new Map(v.members);
    m.set('Capacity', v.items.size);
    if (v.items.size > 0) m.set('Elements', new NrbfArray({ elementType: et, items: [...v.items] }));
    else m.delete('Elements');
    return m;
  }
  if (v instanceof NrbfDictionary) {
    const m = new Map(v.members);
    if (m.has('Keys') || m.has('Values')) {
      m.set('Keys', new NrbfArray({ elementType: { kind: 'object' }, items: [...v.entries.keys()] }));
      m.set('Values', new NrbfArray({ elementType: { kind: 'object' }, items: [...v.entries.values()] }));
      return m;
    }
    const old = v.members.get('KeyValuePairs');
    const prefix = 'System.Collections.Generic.Dictionary`2[';
    const pairType: NrbfMemberType | undefined =
      old instanceof NrbfArray && old.elementType.kind === 'systemClass'
        ? old.elementType
        : v.typeName.startsWith(prefix)
          ? { kind: 'systemClass', typeName: `System.Collections.Generic.KeyValuePair\`2[${v.typeName.slice(prefix.length)}` }
          : undefined;
    if (pairType?.kind !== 'systemClass') throw new NrbfEncodeError(path, `${v.typeName} is not a Dictionary\`2 or a Hashtable`);
    const sample = old instanceof NrbfArray ? (old.items as NrbfValue[]).find((p): p is NrbfObject => p instanceof NrbfObject) : undefined;
    const pairs = [...v.entries].map(
      ([key, value]) => new NrbfObject({ typeName: pairType.typeName, valueType: true, members: { key, value }, ...(sample?.memberTypes !== undefined && { memberTypes: sample.memberTypes }) }),
    );
    m.set('HashSize', v.entries.size === 0 ? 0 : Math.max(3, Number(m.get('HashSize') ?? 0), v.entries.size));
    if (v.entries.size > 0) m.set('KeyValuePairs', new NrbfArray({ elementType: pairType, items: pairs }));
    else m.delete('KeyValuePairs');
    return m;
  }
  return v.members;
}
