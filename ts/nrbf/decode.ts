// The NRBF reader: bytes in, typed object graph out. It never loads or names a .NET type (names
// are strings), never recurses past `maxDepth`, checks every length and count against the bytes
// left before it allocates, and caps records and array elements. Anything else is a NrbfDecodeError.
import { TwinmapError } from '../errors.js';
import { ByteReader } from './byte-reader.js';
import {
  NrbfArray,
  NrbfBoxed,
  NrbfDateTime,
  NrbfDecimal,
  NrbfDictionary,
  NrbfEnum,
  NrbfGuid,
  NrbfList,
  NrbfObject,
  NrbfSet,
  NrbfTimeSpan,
  SYSTEM_LIBRARY,
  type NrbfArrayShape,
  type NrbfMemberType,
  type NrbfPrimitiveItems,
  type NrbfPrimitiveType,
  type NrbfPrimitiveValue,
  type NrbfValue,
} from './model.js';
import { decimalFromBits, isDecimalText } from './decimal.js';
import {
  BinaryArrayType,
  BinaryType,
  MAX_DATETIME_TICKS,
  PRIMITIVE_BY_CODE,
  PRIMITIVE_BY_SYSTEM_NAME,
  PRIMITIVE_SIZE,
  RECORD_NAMES,
  RecordType,
} from './wire.js';

export interface NrbfDecodeOptions {
  /** Deepest nesting of records inside records (default 64). */
  maxDepth?: number;
  /** Most records in one payload (default 1,000,000). */
  maxRecords?: number;
  /** Most array elements in one payload, all arrays together (default 4,194,304). */
  maxElements?: number;
  /**
   * Member types for classes written without them (BinaryFormatter with
   * FormatterTypeStyle.TypesWhenNeeded writes ClassWithMembers records, whose primitive fields are
   * raw bytes that only the class's definition can size). Keyed by type name, with or without its
   * generic arguments; members not listed are records (strings, objects, arrays). A class without
   * type info and without a layout here is refused. List`1 and ArrayList are known.
   */
  layouts?: Record<string, Record<string, NrbfPrimitiveType | NrbfMemberType>>;
}

const BUILT_IN_LAYOUTS: Record<string, Record<string, NrbfPrimitiveType>> = {
  'System.Collections.Generic.List`1': { _size: 'Int32', _version: 'Int32' },
  'System.Collections.ArrayList': { _size: 'Int32', _version: 'Int32' },
};

export interface NrbfReadResult {
  /** The root object (the header's RootId). */
  root: NrbfValue;
  /** Bytes read, up to and including MessageEnd (what follows, e.g. a map's zero padding, is ignored). */
  length: number;
  /** Records read. */
  records: number;
}

export const DEFAULT_DECODE_OPTIONS: Required<NrbfDecodeOptions> = {
  maxDepth: 64,
  maxRecords: 1_000_000,
  maxElements: 4_194_304,
  layouts: {},
};

interface ClassMeta {
  typeName: string;
  libraryName: string;
  memberNames: string[];
  memberTypes: NrbfMemberType[] | undefined;
  /** The same types by name, one Map shared by every object of this class in the payload. */
  typesByName?: Map<string, NrbfMemberType>;
}

/** A reference whose target is resolved after the last record. */
class Pending {
  constructor(
    readonly id: number,
    readonly offset: number,
    readonly recordIndex: number,
  ) {}
}

type Slot = NrbfValue | Pending;

interface Fixup {
  target: Slot[] | Map<string, Slot>;
  key: number | string;
  ref: Pending;
}

interface Surfacing {
  value: NrbfList | NrbfDictionary | NrbfSet;
  offset: number;
  recordIndex: number;
}

/** A null run in an array (ObjectNullMultiple / ObjectNullMultiple256). */
class NullRun {
  constructor(readonly count: number) {}
}

/** Decodes an NRBF payload to its root value. Bytes after MessageEnd are ignored. */
export function decodeNrbf(bytes: Uint8Array, options: NrbfDecodeOptions = {}): NrbfValue {
  return readNrbf(bytes, options).root;
}

/** Decodes an NRBF payload and says how many bytes and records it took. */
export function readNrbf(bytes: Uint8Array, options: NrbfDecodeOptions = {}): NrbfReadResult {
  if (!(bytes instanceof Uint8Array)) throw new TwinmapError('INVALID_ARGUMENT', `decodeNrbf needs a Uint8Array, not ${bytes === null ? 'null' : typeof bytes}`);
  return new Decoder(bytes, { ...DEFAULT_DECODE_OPTIONS, ...options }).run();
}

const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

class Decoder {
  private readonly ctx = { recordIndex: -1, recordType: undefined as string | undefined };
  private readonly r: ByteReader;
  private readonly objects = new Map<number, NrbfValue>();
  private readonly metas = new Map<number, ClassMeta>();
  private readonly libraries = new Map<number, string>();
  private readonly pendingLibraries: Array<{ type: { libraryName: string }; id: number; offset: number; recordIndex: number }> = [];
  private readonly fixups: Fixup[] = [];
  private readonly surfacings: Surfacing[] = [];
  private records = 0;
  private elements = 0;

  constructor(
    bytes: Uint8Array,
    private readonly o: Required<NrbfDecodeOptions>,
  ) {
    this.r = new ByteReader(bytes, this.ctx);
    for (const k of ['maxDepth', 'maxRecords', 'maxElements'] as const) {
      if (!Number.isSafeInteger(o[k]) || o[k] < 0) throw new TwinmapError('INVALID_ARGUMENT', `${k} must be a non-negative integer, not ${o[k]}`);
    }
  }

  run(): NrbfReadResult {
    const r = this.r;
    const first = this.beginRecord();
    if (first !== RecordType.SerializedStreamHeader) r.fail(`a payload starts with SerializedStreamHeader (0), not ${first}`, 0);
    const rootId = r.i32('RootId');
    r.i32('HeaderId');
    const major = r.i32('MajorVersion');
    const minor = r.i32('MinorVersion');
    if (major !== 1 || minor !== 0) r.fail(`version ${major}.${minor}; only 1.0 exists`, r.pos - 8);
    for (;;) {
      const at = r.pos;
      const type = this.beginRecord();
      if (type === RecordType.MessageEnd) break;
      if (type === RecordType.BinaryLibrary) {
        this.readLibrary();
        continue;
      }
      const v = this.readRecordBody(type, at, 0);
      if (v instanceof Pending || v instanceof NullRun || !this.hasId(type)) {
        r.fail(`a ${RECORD_NAMES[type]} record cannot stand at the top level`, at);
      }
    }
    this.resolve();
    if (!this.objects.has(rootId)) r.fail(`the root object ${rootId} is not in the payload`);
    return { root: this.objects.get(rootId)!, length: r.pos, records: this.records };
  }

  private hasId(type: RecordType): boolean {
    return type !== RecordType.MemberPrimitiveTyped && type !== RecordType.ObjectNull && type !== RecordType.MemberReference;
  }

  /** Reads a record type byte and starts counting it. */
  private beginRecord(): RecordType {
    const at = this.r.pos;
    if (++this.records > this.o.maxRecords) this.r.fail(`more than maxRecords (${this.o.maxRecords}) records`, at);
    this.ctx.recordIndex = this.records - 1;
    this.ctx.recordType = undefined;
    const type = this.r.u8('record type');
    const name = RECORD_NAMES[type];
    if (name === undefined) this.r.fail(`unknown record type ${type}`, at);
    this.ctx.recordType = name;
    return type as RecordType;
  }

  private readLibrary(): void {
    const r = this.r;
    const at = r.pos;
    const id = r.i32('LibraryId');
    const name = r.string('LibraryName');
    if (this.libraries.has(id)) r.fail(`library id ${id} is defined twice`, at);
    this.libraries.set(id, name);
  }

  private register(id: number, value: NrbfValue, at: number): void {
    if (this.objects.has(id)) this.r.fail(`object id ${id} is defined twice`, at);
    this.objects.set(id, value);
  }

  /** One record after its type byte: a value, a reference to resolve later, or a null run. */
  private readRecordBody(type: RecordType, at: number, depth: number): Slot | NullRun {
    const r = this.r;
    if (depth > this.o.maxDepth) r.fail(`records nest deeper than maxDepth (${this.o.maxDepth})`, at);
    switch (type) {
      case RecordType.ClassWithId: {
        const id = r.i32('ObjectId');
        const metaId = r.i32('MetadataId');
        const meta = this.metas.get(metaId);
        if (meta === undefined) return r.fail(`ClassWithId names metadata ${metaId}, which no earlier class record defined`, at);
        return this.readClass(id, meta, at, depth);
      }
      case RecordType.SystemClassWithMembers:
      case RecordType.ClassWithMembers:
      case RecordType.SystemClassWithMembersAndTypes:
      case RecordType.ClassWithMembersAndTypes: {
        const id = r.i32('ObjectId');
        const typeName = r.string('class name');
        const n = r.count('MemberCount');
        r.need(n, `${n} member names`);
        const memberNames: string[] = [];
        for (let i = 0; i < n; i++) memberNames.push(r.string(`member name ${i}`));
        const typed = type === RecordType.SystemClassWithMembersAndTypes || type === RecordType.ClassWithMembersAndTypes;
        const memberTypes = typed ? this.readMemberTypes(n) : this.layoutOf(typeName, memberNames, at);
        let libraryName = SYSTEM_LIBRARY;
        if (type === RecordType.ClassWithMembers || type === RecordType.ClassWithMembersAndTypes) {
          const libAt = r.pos;
          const libId = r.i32('LibraryId');
          const lib = this.libraries.get(libId);
          if (lib === undefined) return r.fail(`library ${libId} is not defined before the class that uses it`, libAt);
          libraryName = lib;
        }
        const meta: ClassMeta = { typeName, libraryName, memberNames, memberTypes };
        this.metas.set(id, meta);
        return this.readClass(id, meta, at, depth);
      }
      case RecordType.BinaryObjectString: {
        const id = r.i32('ObjectId');
        const s = r.string('string value');
        this.register(id, s, at);
        return s;
      }
      case RecordType.BinaryArray:
        return this.readBinaryArray(at, depth);
      case RecordType.MemberPrimitiveTyped: {
        const t = this.primitiveType();
        return new NrbfBoxed(t, this.primitive(t));
      }
      case RecordType.MemberReference:
        return new Pending(r.i32('IdRef'), at, this.ctx.recordIndex);
      case RecordType.ObjectNull:
        return null;
      case RecordType.ObjectNullMultiple256:
        return new NullRun(r.u8('NullCount'));
      case RecordType.ObjectNullMultiple:
        return new NullRun(r.count('NullCount'));
      case RecordType.ArraySinglePrimitive: {
        const id = r.i32('ObjectId');
        const length = r.count('Length');
        const t = this.primitiveType();
        const items = this.primitiveItems(t, length);
        const a = new NrbfArray({ elementType: { kind: 'primitive', type: t }, items });
        this.register(id, a, at);
        return a;
      }
      case RecordType.ArraySingleObject:
      case RecordType.ArraySingleString: {
        const id = r.i32('ObjectId');
        const length = r.count('Length');
        const elementType: NrbfMemberType = type === RecordType.ArraySingleString ? { kind: 'string' } : { kind: 'object' };
        const a = new NrbfArray({ elementType, items: [], lengths: [length] });
        this.register(id, a, at);
        this.recordItems(a, length, depth);
        return a;
      }
      case RecordType.SerializedStreamHeader:
        return r.fail('a second SerializedStreamHeader', at);
      case RecordType.MessageEnd:
        return r.fail('MessageEnd where a value was expected', at);
      case RecordType.BinaryLibrary:
        return r.fail('BinaryLibrary where a value was expected', at);
      case RecordType.MethodCall:
      case RecordType.MethodReturn:
        return r.fail('remoting method call records are not supported', at);
      default:
        return r.fail(`unknown record type ${type as number}`, at);
    }
  }

  /** The caller's (or a built-in) layout for a class written without member types. */
  private layoutOf(typeName: string, memberNames: string[], at: number): NrbfMemberType[] {
    const stripped = typeName.includes('[') ? typeName.slice(0, typeName.indexOf('[')) : typeName;
    const layout = Object.hasOwn(this.o.layouts, typeName)
      ? this.o.layouts[typeName]
      : Object.hasOwn(this.o.layouts, stripped)
        ? this.o.layouts[stripped]
        : BUILT_IN_LAYOUTS[stripped];
    if (layout === undefined) {
      return this.r.fail(`${typeName} is written without member types; its primitive fields cannot be sized without options.layouts[${JSON.stringify(stripped)}]`, at);
    }
    return memberNames.map((m) => {
      const t = Object.hasOwn(layout, m) ? layout[m] : undefined;
      return t === undefined ? { kind: 'object' } : typeof t === 'string' ? { kind: 'primitive', type: t } : t;
    });
  }

  private primitiveType(): NrbfPrimitiveType {
    const at = this.r.pos;
    const code = this.r.u8('PrimitiveType');
    const t = PRIMITIVE_BY_CODE[code];
    if (t === undefined) this.r.fail(`invalid primitive type ${code}`, at);
    return t;
  }

  private readMemberTypes(n: number): NrbfMemberType[] {
    const r = this.r;
    r.need(n, `${n} member types`);
    const kinds: number[] = [];
    for (let i = 0; i < n; i++) kinds.push(r.u8('BinaryType'));
    return kinds.map((k, i) => this.additionalInfo(k, `member ${i}`));
  }

  private additionalInfo(kind: number, what: string): NrbfMemberType {
    const r = this.r;
    switch (kind) {
      case BinaryType.Primitive:
        return { kind: 'primitive', type: this.primitiveType() };
      case BinaryType.String:
        return { kind: 'string' };
      case BinaryType.Object:
        return { kind: 'object' };
      case BinaryType.SystemClass:
        return { kind: 'systemClass', typeName: r.string(`${what} class name`) };
      case BinaryType.Class: {
        const typeName = r.string(`${what} class name`);
        const at = r.pos;
        const id = r.i32('LibraryId');
        const t = { kind: 'class' as const, typeName, libraryName: this.libraries.get(id) ?? '' };
        // BinaryFormatter may define the library after the class that names it in its member types.
        if (!this.libraries.has(id)) this.pendingLibraries.push({ type: t, id, offset: at, recordIndex: this.ctx.recordIndex });
        return t;
      }
      case BinaryType.ObjectArray:
        return { kind: 'objectArray' };
      case BinaryType.StringArray:
        return { kind: 'stringArray' };
      case BinaryType.PrimitiveArray:
        return { kind: 'primitiveArray', type: this.primitiveType() };
      default:
        return r.fail(`${what}: invalid BinaryType ${kind}`, r.pos - 1);
    }
  }

  private readClass(id: number, meta: ClassMeta, at: number, depth: number): NrbfValue {
    const r = this.r;
    const recordIndex = this.ctx.recordIndex;
    const recordType = this.ctx.recordType;
    const obj = this.newObject(meta, id);
    const members = obj.members as Map<string, Slot>;
    // registered before its members, so a member may refer back to it (cycles)
    this.register(id, obj, at);
    for (let i = 0; i < meta.memberNames.length; i++) {
      const name = meta.memberNames[i]!;
      const t = meta.memberTypes?.[i];
      let v: Slot;
      if (t?.kind === 'primitive') v = this.primitive(t.type);
      else {
        const s = this.readSlot(depth + 1);
        if (s instanceof NullRun) return r.fail(`member ${JSON.stringify(name)} of ${meta.typeName}: a null run outside an array`);
        v = s;
      }
      if (members.has(name)) r.fail(`member ${JSON.stringify(name)} appears twice in ${meta.typeName}`, at);
      members.set(name, v);
      if (v instanceof Pending) this.fixups.push({ target: members, key: name, ref: v });
    }
    this.ctx.recordIndex = recordIndex;
    this.ctx.recordType = recordType;
    const special = this.special(obj, meta, at);
    if (special !== obj) this.objects.set(id, special);
    if (obj instanceof NrbfList || obj instanceof NrbfDictionary || obj instanceof NrbfSet) {
      this.surfacings.push({ value: obj, offset: at, recordIndex });
    }
    return special;
  }

  private newObject(meta: ClassMeta, id: number): NrbfObject {
    const init = {
      // BinaryFormatter gives value types negative ids (and writes them inline)
      valueType: id < 0,
      typeName: meta.typeName,
      libraryName: meta.libraryName,
      members: new Map<string, NrbfValue>(),
      ...(meta.memberTypes !== undefined && { memberTypes: (meta.typesByName ??= new Map(meta.memberNames.map((n, i) => [n, meta.memberTypes![i]!]))) }),
    };
    const n = meta.typeName;
    if (n.startsWith('System.Collections.Generic.List`1[') || n === 'System.Collections.ArrayList') return new NrbfList(init);
    if (n.startsWith('System.Collections.Generic.Dictionary`2[') || n === 'System.Collections.Hashtable') return new NrbfDictionary(init);
    if (n.startsWith('System.Collections.Generic.HashSet`1[')) return new NrbfSet(init);
    if (n === 'System.Guid' && meta.memberNames.length === 11) return new NrbfGuid(init);
    return new NrbfObject(init);
  }

  /** Enums (one member `value__`) and boxed primitives at the root (System.Int32 {m_value}, ...). */
  private special(obj: NrbfObject, meta: ClassMeta, at: number): NrbfValue {
    const names = meta.memberNames;
    const m = obj.members;
    if (names.length === 1 && names[0] === 'value__') {
      let v = m.get('value__');
      if (v instanceof NrbfBoxed) v = v.value;
      const t = meta.memberTypes?.[0];
      if (typeof v !== 'number' && typeof v !== 'bigint') return this.r.fail(`enum ${meta.typeName}: value__ is not an integer`, at);
      const underlying = t?.kind === 'primitive' ? t.type : (m.get('value__') as NrbfBoxed | undefined)?.type ?? 'Int32';
      return new NrbfEnum(meta.typeName, meta.libraryName, v, underlying);
    }
    if (meta.libraryName !== SYSTEM_LIBRARY) return obj;
    const prim = PRIMITIVE_BY_SYSTEM_NAME[meta.typeName];
    if (prim === undefined) return obj;
    const get = (k: string): NrbfValue | undefined => {
      const v = m.get(k);
      return v instanceof NrbfBoxed ? v.value : v;
    };
    const bad = (): never => this.r.fail(`boxed ${meta.typeName} has unexpected members ${names.join(', ')}`, at);
    switch (prim) {
      case 'DateTime': {
        const raw = get('dateData') ?? get('ticks');
        if (typeof raw !== 'bigint') return bad();
        return new NrbfBoxed('DateTime', this.dateTime(BigInt.asIntN(64, raw), at));
      }
      case 'TimeSpan': {
        const t = get('_ticks');
        if (typeof t !== 'bigint') return bad();
        return new NrbfBoxed('TimeSpan', new NrbfTimeSpan(t));
      }
      case 'Decimal': {
        const [flags, hi, lo, mid] = ['flags', 'hi', 'lo', 'mid'].map(get);
        if (typeof flags !== 'number' || typeof hi !== 'number' || typeof lo !== 'number' || typeof mid !== 'number') return bad();
        const text = decimalFromBits(flags, hi, mid, lo);
        if (text === undefined) return this.r.fail(`boxed System.Decimal has invalid flags 0x${(flags >>> 0).toString(16)}`, at);
        return new NrbfBoxed('Decimal', new NrbfDecimal(text));
      }
      default: {
        const v = get('m_value');
        if (names.length !== 1 || v === undefined || v === null || typeof v === 'object') return bad();
        return new NrbfBoxed(prim, v);
      }
    }
  }

  /** A value slot (member without a primitive type, array element): one record, BinaryLibrary records skipped. */
  private readSlot(depth: number): Slot | NullRun {
    for (;;) {
      const at = this.r.pos;
      const type = this.beginRecord();
      if (type === RecordType.BinaryLibrary) {
        this.readLibrary();
        continue;
      }
      return this.readRecordBody(type, at, depth);
    }
  }

  private countElements(n: number): void {
    this.elements += n;
    if (this.elements > this.o.maxElements) this.r.fail(`more than maxElements (${this.o.maxElements}) array elements`);
  }

  /** Elements that are records (strings, objects, nested arrays), with null runs expanded. */
  private recordItems(a: NrbfArray, total: number, depth: number): void {
    const r = this.r;
    this.countElements(total);
    const items = a.items as Slot[];
    const recordIndex = this.ctx.recordIndex;
    const recordType = this.ctx.recordType;
    while (items.length < total) {
      const s = this.readSlot(depth + 1);
      if (s instanceof NullRun) {
        if (s.count > total - items.length) r.fail(`a run of ${s.count} nulls overruns the array (${total - items.length} elements left)`);
        for (let i = 0; i < s.count; i++) items.push(null);
        continue;
      }
      if (s instanceof Pending) this.fixups.push({ target: items, key: items.length, ref: s });
      items.push(s);
    }
    this.ctx.recordIndex = recordIndex;
    this.ctx.recordType = recordType;
  }

  private readBinaryArray(at: number, depth: number): NrbfArray {
    const r = this.r;
    const id = r.i32('ObjectId');
    const kindAt = r.pos;
    const kind = r.u8('BinaryArrayType');
    if (kind > BinaryArrayType.RectangularOffset) r.fail(`invalid BinaryArrayType ${kind}`, kindAt);
    const rank = r.count('Rank');
    if (rank < 1 || rank > 32) r.fail(`array rank ${rank} (1 to 32)`, r.pos - 4);
    const lengths: number[] = [];
    for (let i = 0; i < rank; i++) lengths.push(r.count(`Length ${i}`));
    const offset = kind === BinaryArrayType.SingleOffset || kind === BinaryArrayType.JaggedOffset || kind === BinaryArrayType.RectangularOffset;
    const lowerBounds: number[] = [];
    if (offset) for (let i = 0; i < rank; i++) lowerBounds.push(r.i32(`LowerBound ${i}`));
    const elementType = this.additionalInfo(r.u8('BinaryType'), 'element');
    const shape: NrbfArrayShape =
      kind === BinaryArrayType.Jagged || kind === BinaryArrayType.JaggedOffset
        ? 'jagged'
        : kind === BinaryArrayType.Rectangular || kind === BinaryArrayType.RectangularOffset
          ? 'rectangular'
          : 'single';
    if (shape !== 'rectangular' && rank !== 1) r.fail(`a ${shape} array has rank 1, not ${rank}`, kindAt);
    let total = 1;
    for (const l of lengths) {
      total *= l;
      if (total > this.o.maxElements) r.fail(`array of ${lengths.join('x')} elements exceeds maxElements (${this.o.maxElements})`, kindAt);
    }
    if (elementType.kind === 'primitive') {
      const items = this.primitiveItems(elementType.type, total);
      const a = new NrbfArray({ elementType, items, shape, lengths, ...(offset && { lowerBounds }) });
      this.register(id, a, at);
      return a;
    }
    const a = new NrbfArray({ elementType, items: [], shape, lengths, ...(offset && { lowerBounds }) });
    this.register(id, a, at);
    this.recordItems(a, total, depth);
    return a;
  }

  private dateTime(raw: bigint, at: number): NrbfDateTime {
    const ticks = raw & 0x3fffffffffffffffn;
    const k = Number((raw >> 62n) & 3n);
    if (ticks > MAX_DATETIME_TICKS) this.r.fail(`DateTime ticks ${ticks} beyond DateTime.MaxValue`, at);
    return new NrbfDateTime(ticks, k === 0 ? 'Unspecified' : k === 1 ? 'Utc' : 'Local');
  }

  private char(what: string): string {
    const at = this.r.pos;
    const cp = this.r.codePoint(what);
    if (cp > 0xffff) this.r.fail(`${what}: U+${cp.toString(16)} is not one UTF-16 char`, at);
    return String.fromCharCode(cp);
  }

  private primitive(t: NrbfPrimitiveType): NrbfPrimitiveValue {
    const r = this.r;
    switch (t) {
      case 'Boolean':
        return r.u8('Boolean') !== 0;
      case 'Byte':
        return r.u8('Byte');
      case 'SByte':
        return r.i8();
      case 'Char':
        return this.char('Char');
      case 'Decimal': {
        const at = r.pos;
        const s = r.string('Decimal');
        if (!isDecimalText(s)) r.fail(`invalid Decimal text ${JSON.stringify(s.slice(0, 40))}`, at);
        return new NrbfDecimal(s);
      }
      case 'Double':
        return r.f64();
      case 'Single':
        return r.f32();
      case 'Int16':
        return r.i16();
      case 'UInt16':
        return r.u16();
      case 'Int32':
        return r.i32();
      case 'UInt32':
        return r.u32();
      case 'Int64':
        return r.i64();
      case 'UInt64':
        return r.u64();
      case 'TimeSpan':
        return new NrbfTimeSpan(r.i64('TimeSpan'));
      case 'DateTime': {
        const at = r.pos;
        return this.dateTime(r.i64('DateTime'), at);
      }
    }
  }

  private primitiveItems(t: NrbfPrimitiveType, n: number): NrbfPrimitiveItems {
    const r = this.r;
    this.countElements(n);
    const size = PRIMITIVE_SIZE[t];
    // every element takes at least one byte: check before allocating anything
    r.need(n * Math.max(size, 1), `${n} ${t} elements`);
    if (size > 1 || t === 'Byte' || t === 'SByte') {
      if (LE) {
        const bytes = r.take(n * size, `${t}[]`);
        switch (t) {
          case 'Byte':
            return bytes;
          case 'SByte':
            return new Int8Array(bytes.buffer);
          case 'Int16':
            return new Int16Array(bytes.buffer);
          case 'UInt16':
            return new Uint16Array(bytes.buffer);
          case 'Int32':
            return new Int32Array(bytes.buffer);
          case 'UInt32':
            return new Uint32Array(bytes.buffer);
          case 'Int64':
            return new BigInt64Array(bytes.buffer);
          case 'UInt64':
            return new BigUint64Array(bytes.buffer);
          case 'Single':
            return new Float32Array(bytes.buffer);
          case 'Double':
            return new Float64Array(bytes.buffer);
          default:
            r.pos -= n * size;
        }
      } else {
        switch (t) {
          case 'Byte':
            return r.take(n, 'Byte[]');
          case 'SByte':
            return Int8Array.from({ length: n }, () => r.i8());
          case 'Int16':
            return Int16Array.from({ length: n }, () => r.i16());
          case 'UInt16':
            return Uint16Array.from({ length: n }, () => r.u16());
          case 'Int32':
            return Int32Array.from({ length: n }, () => r.i32());
          case 'UInt32':
            return Uint32Array.from({ length: n }, () => r.u32());
          case 'Int64':
            return BigInt64Array.from({ length: n }, () => r.i64());
          case 'UInt64':
            return BigUint64Array.from({ length: n }, () => r.u64());
          case 'Single':
            return Float32Array.from({ length: n }, () => r.f32());
          case 'Double':
            return Float64Array.from({ length: n }, () => r.f64());
          default:
        }
      }
    }
    switch (t) {
      case 'Boolean': {
        const out: boolean[] = [];
        for (let i = 0; i < n; i++) out.push(r.u8('Boolean') !== 0);
        return out;
      }
      case 'Char': {
        // a char[] is the UTF-8 of the whole array: a 4-byte sequence is two chars (a surrogate pair)
        const out: string[] = [];
        while (out.length < n) {
          const at = r.pos;
          const cp = r.codePoint('Char[]');
          if (cp > 0xffff) {
            if (n - out.length < 2) r.fail('a surrogate pair overruns the Char[]', at);
            const s = String.fromCodePoint(cp);
            out.push(s[0]!, s[1]!);
          } else out.push(String.fromCharCode(cp));
        }
        return out;
      }
      case 'Decimal': {
        const out: NrbfDecimal[] = [];
        for (let i = 0; i < n; i++) out.push(this.primitive('Decimal') as NrbfDecimal);
        return out;
      }
      case 'DateTime': {
        const out: NrbfDateTime[] = [];
        for (let i = 0; i < n; i++) out.push(this.primitive('DateTime') as NrbfDateTime);
        return out;
      }
      case 'TimeSpan': {
        const out: NrbfTimeSpan[] = [];
        for (let i = 0; i < n; i++) out.push(new NrbfTimeSpan(r.i64('TimeSpan')));
        return out;
      }
      default:
        return r.fail(`unreachable primitive ${t}`);
    }
  }

  /** After MessageEnd: libraries named late, references, then the collections' contents. */
  private resolve(): void {
    for (const p of this.pendingLibraries) {
      const lib = this.libraries.get(p.id);
      if (lib === undefined) this.failAt(p.offset, p.recordIndex, `library ${p.id} is never defined`);
      p.type.libraryName = lib;
    }
    for (const f of this.fixups) {
      if (!this.objects.has(f.ref.id)) this.failAt(f.ref.offset, f.ref.recordIndex, `reference to object ${f.ref.id}, which the payload does not define`, 'MemberReference');
      const v = this.objects.get(f.ref.id)!;
      if (f.target instanceof Map) f.target.set(f.key as string, v);
      else f.target[f.key as number] = v;
    }
    for (const s of this.surfacings) {
      const why = surface(s.value);
      if (why !== undefined) this.failAt(s.offset, s.recordIndex, `${s.value.typeName}: ${why}`);
    }
  }

  private failAt(offset: number, recordIndex: number, reason: string, recordType?: string): never {
    this.ctx.recordIndex = recordIndex;
    this.ctx.recordType = recordType;
    return this.r.fail(reason, offset);
  }
}

function arrayItems(v: NrbfValue | undefined): NrbfValue[] | undefined {
  if (!(v instanceof NrbfArray) || v.rank !== 1) return undefined;
  return Array.from(v.items as ArrayLike<NrbfValue>);
}

/** Fills a collection's items/entries from its serialized internals; returns what is wrong, if anything. */
function surface(c: NrbfList | NrbfDictionary | NrbfSet): string | undefined {
  const m = c.members;
  const unbox = (v: NrbfValue | undefined): NrbfValue | undefined => (v instanceof NrbfBoxed ? v.value : v);
  if (c instanceof NrbfList) {
    const size = unbox(m.get('_size'));
    const raw = m.get('_items');
    if (typeof size !== 'number') return '_size is not an Int32';
    const items = raw === null && size === 0 ? [] : arrayItems(raw);
    if (items === undefined) return '_items is not a one-dimensional array';
    if (size < 0 || size > items.length) return `_size ${size} outside _items (length ${items.length})`;
    c.items = items.slice(0, size);
    return undefined;
  }
  if (c instanceof NrbfSet) {
    const raw = m.get('Elements');
    if (raw === undefined || raw === null) return undefined;
    const items = arrayItems(raw);
    if (items === undefined) return 'Elements is not a one-dimensional array';
    for (const x of items) c.items.add(x);
    return undefined;
  }
  if (m.has('Keys') || m.has('Values')) {
    const keys = arrayItems(m.get('Keys'));
    const values = arrayItems(m.get('Values'));
    if (keys === undefined || values === undefined) return 'Keys/Values are not one-dimensional arrays';
    if (keys.length !== values.length) return `${keys.length} keys but ${values.length} values`;
    keys.forEach((k, i) => c.entries.set(k, values[i]!));
    return undefined;
  }
  const raw = m.get('KeyValuePairs');
  if (raw === undefined || raw === null) return undefined;
  const pairs = arrayItems(raw);
  if (pairs === undefined) return 'KeyValuePairs is not a one-dimensional array';
  for (const p of pairs) {
    if (!(p instanceof NrbfObject) || !p.members.has('key') || !p.members.has('value')) return 'a KeyValuePairs element is not a KeyValuePair';
    c.entries.set(p.members.get('key')!, p.members.get('value')!);
  }
  return undefined;
}
