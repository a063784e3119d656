// The typed object graph an NRBF (BinaryFormatter) payload decodes to, and that encodeNrbf writes.
// Nothing here names or loads a .NET type: a class is its type name, its library (assembly) name
// and its members, as the stream spells them.

/** The primitive types of MS-NRBF (PrimitiveTypeEnumeration), by their .NET names. */
export type NrbfPrimitiveType =
  | 'Boolean'
  | 'Byte'
  | 'Char'
  | 'Decimal'
  | 'Double'
  | 'Int16'
  | 'Int32'
  | 'Int64'
  | 'SByte'
  | 'Single'
  | 'TimeSpan'
  | 'DateTime'
  | 'UInt16'
  | 'UInt32'
  | 'UInt64';

/**
 * What a member (or array element) is declared as (MS-NRBF BinaryType + its additional info).
 * `systemClass` is a type from mscorlib (no library record); `class` names its library.
 */
export type NrbfMemberType =
  | { kind: 'primitive'; type: NrbfPrimitiveType }
  | { kind: 'string' }
  | { kind: 'object' }
  | { kind: 'systemClass'; typeName: string }
  | { kind: 'class'; typeName: string; libraryName: string }
  | { kind: 'objectArray' }
  | { kind: 'stringArray' }
  | { kind: 'primitiveArray'; type: NrbfPrimitiveType };

/** The library name BinaryFormatter uses for system classes (types forwarded from mscorlib). */
export const SYSTEM_LIBRARY = 'mscorlib';

/** A .NET `decimal`, exactly as its invariant text ("-1.500", "79228162514264337593543950335"). */
export class NrbfDecimal {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type NrbfDateTimeKind = 'Unspecified' | 'Utc' | 'Local';

/** A .NET `DateTime`: 100 ns ticks since 0001-01-01 and its kind. */
export class NrbfDateTime {
  constructor(
    readonly ticks: bigint,
    readonly kind: NrbfDateTimeKind = 'Unspecified',
  ) {}
  /** Ticks between 0001-01-01 and 1970-01-01. */
  static readonly UNIX_EPOCH_TICKS = 621355968000000000n;
  /** The same instant as a JS Date (millisecond precision; the kind is not applied). */
  toDate(): Date {
    return new Date(Number((this.ticks - NrbfDateTime.UNIX_EPOCH_TICKS) / 10000n));
  }
  static fromDate(date: Date, kind: NrbfDateTimeKind = 'Utc'): NrbfDateTime {
    return new NrbfDateTime(BigInt(date.getTime()) * 10000n + NrbfDateTime.UNIX_EPOCH_TICKS, kind);
  }
}

/** A .NET `TimeSpan` in 100 ns ticks. */
export class NrbfTimeSpan {
  constructor(readonly ticks: bigint) {}
}

/** A primitive value in a slot typed `object` (a boxed int, a set `Nullable<T>`, a root primitive). */
export class NrbfBoxed {
  constructor(
    readonly type: NrbfPrimitiveType,
    readonly value: NrbfPrimitiveValue,
  ) {}
}

/** A value of a .NET enum type (on the wire: a class with one member `value__`). */
export class NrbfEnum {
  constructor(
    readonly typeName: string,
    readonly libraryName: string,
    readonly value: number | bigint,
    /** The underlying integer type. */
    readonly underlying: NrbfPrimitiveType = 'Int32',
  ) {}
}

export type NrbfPrimitiveValue = boolean | number | bigint | string | NrbfDecimal | NrbfDateTime | NrbfTimeSpan;

/** Any value of the graph. Strings are JS strings; `null` is .NET null. */
export type NrbfValue = null | NrbfPrimitiveValue | NrbfBoxed | NrbfEnum | NrbfObject | NrbfArray;

export interface NrbfObjectInit {
  typeName: string;
  /** The assembly's full name; SYSTEM_LIBRARY (the default) for system classes. */
  libraryName?: string;
  /** Members in the order they are written. A Map or a plain object. */
  members: Map<string, NrbfValue> | Record<string, NrbfValue>;
  /**
   * Member types by name. When omitted (or a member is missing), the encoder infers it from the
   * value (see docs/nrbf.md); a decoded object keeps the types its stream carried.
   */
  memberTypes?: Map<string, NrbfMemberType> | Record<string, NrbfMemberType | NrbfPrimitiveType>;
  /** A struct (value type): written inline where it is used, as BinaryFormatter does. Default false. */
  valueType?: boolean;
}

/** An instance of a .NET class or struct: its type, its library and its serialized fields. */
export class NrbfObject {
  readonly typeName: string;
  readonly libraryName: string;
  readonly members: Map<string, NrbfValue>;
  /**
   * Declared member types; undefined for new objects left to inference. A decoded payload's objects
   * of one class share one Map (it describes the class): replace it rather than edit it for one object.
   */
  memberTypes: Map<string, NrbfMemberType> | undefined;
  /** A struct: BinaryFormatter writes these inline (with negative ids), and reads them back only so. */
  readonly valueType: boolean;

  constructor(init: NrbfObjectInit) {
    this.valueType = init.valueType ?? false;
    this.typeName = init.typeName;
    this.libraryName = init.libraryName ?? SYSTEM_LIBRARY;
    this.members = init.members instanceof Map ? init.members : new Map(Object.entries(init.members));
    if (init.memberTypes === undefined) this.memberTypes = undefined;
    else if (init.memberTypes instanceof Map) this.memberTypes = init.memberTypes;
    else {
      this.memberTypes = new Map();
      for (const [k, t] of Object.entries(init.memberTypes)) this.memberTypes.set(k, typeof t === 'string' ? { kind: 'primitive', type: t } : t);
    }
  }

  get isSystemClass(): boolean {
    return this.libraryName === SYSTEM_LIBRARY;
  }

  /** A member's value (undefined when the object has no such member). */
  get(name: string): NrbfValue | undefined {
    return this.members.get(name);
  }
}

/**
 * `System.Collections.Generic.List<T>` or `System.Collections.ArrayList`: `items` holds the
 * elements (the first `_size` of `_items`). The encoder writes `items`, not the original members.
 */
export class NrbfList extends NrbfObject {
  items: NrbfValue[] = [];
}

/** `Dictionary<K,V>` or `Hashtable`: `entries` in the order the stream lists them. */
export class NrbfDictionary extends NrbfObject {
  entries = new Map<NrbfValue, NrbfValue>();
}

/** `HashSet<T>`: `items` in the order the stream lists them. */
export class NrbfSet extends NrbfObject {
  items = new Set<NrbfValue>();
}

/** `System.Guid`, with its canonical text ("00112233-4455-6677-8899-aabbccddeeff"). */
export class NrbfGuid extends NrbfObject {
  get text(): string {
    const m = this.members;
    const n = (k: string, bytes: number): string => {
      const v = m.get(k);
      const x = typeof v === 'number' ? v : 0;
      const mask = bytes === 4 ? 0xffffffff : bytes === 2 ? 0xffff : 0xff;
      return ((x & mask) >>> 0).toString(16).padStart(bytes * 2, '0');
    };
    return `${n('_a', 4)}-${n('_b', 2)}-${n('_c', 2)}-${n('_d', 1)}${n('_e', 1)}-${['_f', '_g', '_h', '_i', '_j', '_k'].map((k) => n(k, 1)).join('')}`;
  }
}

export type NrbfArrayShape = 'single' | 'jagged' | 'rectangular';

/** Items of a primitive array: a typed array where JS has one, else a JS array. */
export type NrbfPrimitiveItems =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array
  | boolean[]
  | string[]
  | NrbfDecimal[]
  | NrbfDateTime[]
  | NrbfTimeSpan[];

export interface NrbfArrayInit {
  /** The element type: `{kind:'primitive'}` for `int[]` etc., `string`, `object`, a class, or an inner array type for jagged arrays. */
  elementType: NrbfMemberType;
  items: NrbfPrimitiveItems | NrbfValue[];
  shape?: NrbfArrayShape;
  /** One length per dimension; default [items.length]. */
  lengths?: number[];
  /** Non-zero lower bounds (arrays made with Array.CreateInstance); default all 0. */
  lowerBounds?: number[];
}

/** A .NET array. Rectangular arrays keep their items flat, in row-major order, with `lengths`. */
export class NrbfArray {
  readonly elementType: NrbfMemberType;
  items: NrbfPrimitiveItems | NrbfValue[];
  readonly shape: NrbfArrayShape;
  readonly lengths: number[];
  readonly lowerBounds: number[] | undefined;

  constructor(init: NrbfArrayInit) {
    this.elementType = init.elementType;
    this.items = init.items;
    this.lengths = init.lengths ?? [init.items.length];
    this.shape = init.shape ?? (this.lengths.length > 1 ? 'rectangular' : 'single');
    this.lowerBounds = init.lowerBounds !== undefined && init.lowerBounds.some((b) => b !== 0) ? init.lowerBounds : undefined;
  }

  get rank(): number {
    return this.lengths.length;
  }
}
