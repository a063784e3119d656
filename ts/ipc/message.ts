import { fromUtf8 } from './frame.js';

/** One message received by an IpcServer or IpcClient. */
export class IpcMessage {
  constructor(
    /** The payload (a copy, yours to keep). */
    readonly data: Uint8Array,
    /** The client it came from (server side) or the client it was sent to (client side). */
    readonly clientId: number,
  ) {}

  /** The payload as UTF-8 text (what the seed's `Send(string)` carries). */
  text(): string {
    return fromUtf8(this.data);
  }

  /** The payload parsed as JSON. */
  json<T = unknown>(): T {
    return JSON.parse(this.text()) as T;
  }
}
