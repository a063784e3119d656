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
  const out = new Uint8Array(IPC_HEADER + payload.length);
  const dv = new DataView(out.buffer);
  dv.setUint8(0, kind);
  dv.setUint32(4, clientId, true);
  dv.setUint32(8, correlationId, true);
  out.set(payload, IPC_HEADER);
  return out;
}

/** Undefined for a record too short to be a message (a peer's garbage is ignored, not fatal). */
export function decodeFrame(rec: Uint8Array): Frame | undefined {
  if (rec.length < IPC_HEADER) return undefined;
  const dv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
  return { kind: dv.getUint8(0), clientId: dv.getUint32(4, true), correlationId: dv.getUint32(8, true), payload: rec.subarray(IPC_HEADER) };
}

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

export function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? utf8.encode(data) : data;
}

export function fromUtf8(b: Uint8Array): string {
  return utf8d.decode(b);
}
