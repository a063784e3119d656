import { JsonRecord } from '../formats/json_record.js';
import { fromUtf8 } from './frame.js';

/** A JSON value as a JSON record (formats/json_record.ksy: byte length, then UTF-8 JSON), the payload of JSON messages. */
export function jsonPayload(value: unknown): Uint8Array {
  return JsonRecord.encode({ json: JSON.stringify(value) });
}

/** One message received by an IpcServer or IpcClient. */
export class IpcMessage {
  constructor(
    /** The payload (a copy, yours to keep). */
    readonly data: Uint8Array,
    /** The client it came from (server side) or the client it was sent to (client side). */
    readonly clientId: number,
  ) {}

  /** The payload as UTF-8 text (what an IPC client's `Send(string)` carries). */
  text(): string {
    return fromUtf8(this.data);
  }

  /** The payload as a JSON record (json_record.ksy, what sendJson/requestJson send), parsed. DECODE error if it is not one. */
  json<T = unknown>(): T {
    return JSON.parse(JsonRecord.decode(this.data).json) as T;
  }
}
