// The IPC message header (formats/ipc_message.ksy): 16 bytes before the payload.
export const IPC_HEADER = 16;

export const Kind = {
  Hello: 1,
  Bye: 2,
  Message: 3,
  Request: 4,
  Response: 5,
  Error: 6,
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
  // Byte stores, not a DataView: one allocation per frame on the request path, not two.
  const out = new Uint8Array(IPC_HEADER + payload.length);
  out[0] = kind;
  out[4] = clientId;
  out[5] = clientId >>> 8;
  out[6] = clientId >>> 16;
  out[7] = clientId >>> 24;
  out[8] = correlationId;
  out[9] = correlationId >>> 8;
  out[10] = correlationId >>> 16;
  out[11] = correlationId >>> 24;
  out.set(payload, IPC_HEADER);
  return out;
}

const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

/** Undefined for a record too short to be a message (a peer's garbage is ignored, not fatal). */
export function decodeFrame(rec: Uint8Array): Frame | undefined {
  if (rec.length < IPC_HEADER) return undefined;
  return { kind: rec[0]!, clientId: u32(rec, 4), correlationId: u32(rec, 8), payload: rec.subarray(IPC_HEADER) };
}

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

export function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? utf8.encode(data) : data;
}

export function fromUtf8(b: Uint8Array): string {
  return utf8d.decode(b);
}
