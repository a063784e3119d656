// Reading a map without being able to write it. A write through a view of PROT_READ pages
// is a SIGSEGV that kills the process, so a read-only SharedMap never hands out an
// ArrayBuffer, Uint8Array or DataView; it hands out this guard instead: DataView's getters,
// forwarded to a DataView that nothing outside this module can reach. No copy is made.
import { ClosedError } from '../errors.js';

/** DataView's read half. A DataView is one; so is a read-only map's guard. */
export interface ReadableView {
  readonly byteLength: number;
  getInt8(byteOffset: number): number;
  getUint8(byteOffset: number): number;
  getInt16(byteOffset: number, littleEndian?: boolean): number;
  getUint16(byteOffset: number, littleEndian?: boolean): number;
  getInt32(byteOffset: number, littleEndian?: boolean): number;
  getUint32(byteOffset: number, littleEndian?: boolean): number;
  getBigInt64(byteOffset: number, littleEndian?: boolean): bigint;
  getBigUint64(byteOffset: number, littleEndian?: boolean): bigint;
  getFloat32(byteOffset: number, littleEndian?: boolean): number;
  getFloat64(byteOffset: number, littleEndian?: boolean): number;
}

/** The read-only guard: each getter checks the map is open, then reads the mapped page. */
export class ReadOnlyView implements ReadableView {
  readonly #view: DataView;
  readonly #isClosed: () => boolean;
  readonly #what: string;

  constructor(view: DataView, isClosed: () => boolean, what: string) {
    this.#view = view;
    this.#isClosed = isClosed;
    this.#what = what;
  }

  #open(): DataView {
    if (this.#isClosed()) throw new ClosedError(this.#what);
    return this.#view;
  }

  get byteLength(): number {
    return this.#isClosed() ? 0 : this.#view.byteLength;
  }
  getInt8(o: number): number {
    return this.#open().getInt8(o);
  }
  getUint8(o: number): number {
    return this.#open().getUint8(o);
  }
  getInt16(o: number, le?: boolean): number {
    return this.#open().getInt16(o, le);
  }
  getUint16(o: number, le?: boolean): number {
    return this.#open().getUint16(o, le);
  }
  getInt32(o: number, le?: boolean): number {
    return this.#open().getInt32(o, le);
  }
  getUint32(o: number, le?: boolean): number {
    return this.#open().getUint32(o, le);
  }
  getBigInt64(o: number, le?: boolean): bigint {
    return this.#open().getBigInt64(o, le);
  }
  getBigUint64(o: number, le?: boolean): bigint {
    return this.#open().getBigUint64(o, le);
  }
  getFloat32(o: number, le?: boolean): number {
    return this.#open().getFloat32(o, le);
  }
  getFloat64(o: number, le?: boolean): number {
    return this.#open().getFloat64(o, le);
  }
}
