// The IPC message header (formats/ipc_message.ksy): 16 bytes before the payload. Offsets and
// kinds come from the code `twinmap gen` writes for the spec (module constants of literal types).
import { IpcMessageLayout as M, Kind as K } from '../formats/ipc_message.js';

export const IPC_HEADER = M.payload;
export const OFF_KIND = M.kind;
const OFF_CLIENT = M.clientId;
export const OFF_CORRELATION = M.correlationId;

export const Kind = {
  Hello: K.HELLO,
  Bye: K.BYE,
  Message: K.MESSAGE,
  Request: K.REQUEST,
  Response: K.RESPONSE,
  Error: K.ERROR,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export interface Frame {
  readonly kind: number;
  readonly clientId: number;
  readonly correlationId: number;
  /** A view into the record it came from. */
  readonly payload: Uint8Array;
}

export function encodeFrame(kind: Kind, clientId: number, correlationId: number, payload: Uint8Array): Uint8Array {
  // Byte stores, not a DataView: one allocation per frame, not two.
  const out = new Uint8Array(IPC_HEADER + payload.length);
  writeHeader(out, kind, clientId, correlationId);
  out.set(payload, IPC_HEADER);
  return out;
}

/** Writes kind, client id and correlation id into the header at the start of `out` (its reserved bytes are left as they are: zero in a new array). */
export function writeHeader(out: Uint8Array, kind: Kind, clientId: number, correlationId: number): void {
  out[OFF_KIND] = kind;
  out[OFF_CLIENT] = clientId;
  out[OFF_CLIENT + 1] = clientId >>> 8;
  out[OFF_CLIENT + 2] = clientId >>> 16;
  out[OFF_CLIENT + 3] = clientId >>> 24;
  out[OFF_CORRELATION] = correlationId;
  out[OFF_CORRELATION + 1] = correlationId >>> 8;
  out[OFF_CORRELATION + 2] = correlationId >>> 16;
  out[OFF_CORRELATION + 3] = correlationId >>> 24;
}

export const u32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

/** Undefined for a record too short to be a message (a peer's garbage is ignored, not fatal). */
export function decodeFrame(rec: Uint8Array): Frame | undefined {
  if (rec.length < IPC_HEADER) return undefined;
  return { kind: rec[OFF_KIND]!, clientId: u32(rec, OFF_CLIENT), correlationId: u32(rec, OFF_CORRELATION), payload: rec.subarray(IPC_HEADER) };
}

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

export function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? utf8.encode(data) : data;
}

export function fromUtf8(b: Uint8Array): string {
  return utf8d.decode(b);
}
