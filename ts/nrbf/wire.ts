// MS-NRBF's enumerations: record types, binary (member) types, primitive types, array shapes.
import type { NrbfPrimitiveType } from './model.js';

export const enum RecordType {
  SerializedStreamHeader = 0,
  ClassWithId = 1,
  SystemClassWithMembers = 2,
  ClassWithMembers = 3,
  SystemClassWithMembersAndTypes = 4,
  ClassWithMembersAndTypes = 5,
  BinaryObjectString = 6,
  BinaryArray = 7,
  MemberPrimitiveTyped = 8,
  MemberReference = 9,
  ObjectNull = 10,
  MessageEnd = 11,
  BinaryLibrary = 12,
  ObjectNullMultiple256 = 13,
  ObjectNullMultiple = 14,
  ArraySinglePrimitive = 15,
  ArraySingleObject = 16,
  ArraySingleString = 17,
  MethodCall = 21,
  MethodReturn = 22,
}

export const RECORD_NAMES: Record<number, string> = {
  0: 'SerializedStreamHeader',
  1: 'ClassWithId',
  2: 'SystemClassWithMembers',
  3: 'ClassWithMembers',
  4: 'SystemClassWithMembersAndTypes',
  5: 'ClassWithMembersAndTypes',
  6: 'BinaryObjectString',
  7: 'BinaryArray',
  8: 'MemberPrimitiveTyped',
  9: 'MemberReference',
  10: 'ObjectNull',
  11: 'MessageEnd',
  12: 'BinaryLibrary',
  13: 'ObjectNullMultiple256',
  14: 'ObjectNullMultiple',
  15: 'ArraySinglePrimitive',
  16: 'ArraySingleObject',
  17: 'ArraySingleString',
  21: 'MethodCall',
  22: 'MethodReturn',
};

export const enum BinaryType {
  Primitive = 0,
  String = 1,
  Object = 2,
  SystemClass = 3,
  Class = 4,
  ObjectArray = 5,
  StringArray = 6,
  PrimitiveArray = 7,
}

export const enum BinaryArrayType {
  Single = 0,
  Jagged = 1,
  Rectangular = 2,
  SingleOffset = 3,
  JaggedOffset = 4,
  RectangularOffset = 5,
}

/** PrimitiveTypeEnumeration codes; 4 is unused, 17 (Null) and 18 (String) are not primitives of a value. */
export const PRIMITIVE_BY_CODE: Record<number, NrbfPrimitiveType> = {
  1: 'Boolean',
  2: 'Byte',
  3: 'Char',
  5: 'Decimal',
  6: 'Double',
  7: 'Int16',
  8: 'Int32',
  9: 'Int64',
  10: 'SByte',
  11: 'Single',
  12: 'TimeSpan',
  13: 'DateTime',
  14: 'UInt16',
  15: 'UInt32',
  16: 'UInt64',
};

export const PRIMITIVE_CODE: Record<NrbfPrimitiveType, number> = {
  Boolean: 1,
  Byte: 2,
  Char: 3,
  Decimal: 5,
  Double: 6,
  Int16: 7,
  Int32: 8,
  Int64: 9,
  SByte: 10,
  Single: 11,
  TimeSpan: 12,
  DateTime: 13,
  UInt16: 14,
  UInt32: 15,
  UInt64: 16,
};

/** Fixed wire size of a primitive; 0 for the variable ones (Char: UTF-8, Decimal: a string). */
export const PRIMITIVE_SIZE: Record<NrbfPrimitiveType, number> = {
  Boolean: 1,
  Byte: 1,
  Char: 0,
  Decimal: 0,
  Double: 8,
  Int16: 2,
  Int32: 4,
  Int64: 8,
  SByte: 1,
  Single: 4,
  TimeSpan: 8,
  DateTime: 8,
  UInt16: 2,
  UInt32: 4,
  UInt64: 8,
};

/** The .NET full names of the primitive types (system classes of a boxed root). */
export const PRIMITIVE_BY_SYSTEM_NAME: Record<string, NrbfPrimitiveType> = Object.fromEntries(
  (Object.keys(PRIMITIVE_CODE) as NrbfPrimitiveType[]).map((t) => [`System.${t}`, t]),
);

/** Largest valid DateTime tick count (DateTime.MaxValue.Ticks). */
export const MAX_DATETIME_TICKS = 3155378975999999999n;
