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

/**
 * The read-only guard: each getter forwards to the private DataView. No check on the hot path:
 * after close the buffer is detached, so the DataView throws, and the catch turns that into
 * ClosedError.
 */
export class ReadOnlyView implements ReadableView {
  readonly #view: DataView;
  readonly #isClosed: () => boolean;
  readonly #what: string;

  constructor(view: DataView, isClosed: () => boolean, what: string) {
    this.#view = view;
    this.#isClosed = isClosed;
    this.#what = what;
  }

  #fail(e: unknown): unknown {
    return this.#isClosed() ? new ClosedError(this.#what) : e;
  }

  get byteLength(): number {
    return this.#isClosed() ? 0 : this.#view.byteLength;
  }
  getInt8(o: number): number {
    try {
      return this.#view.getInt8(o);
    } catch (e) {
      throw this.#fail(e);
    }
  }
  getUint8(o: number): number {
    try {
      return this.#view.getUint8(o);
    } catch (e) {
      throw this.#fail(e);
    }
  }
  getInt16(o: number, le?: boolean): number {
    try {
      return this.#view.getInt16(o, le);
    } catch (e) {
      throw this.#fail(e);
    }
  }
  getUint16(o: number, le?: boolean): number {
    try {
      return this.#view.getUint16(o, le);
    } catch (e) {
      throw this.#fail(e);
    }
  }
  getInt32(o: number, le?: boolean): number {
    try {
      return this.#view.getInt32(o, le);
    } catch (e) {
      throw this.#fail(e);
    }
  }
  getUint32(o: number, le?: boolean): number {
    try {
      return this.#view.getUint32(o, le);
    } catch (e) {
      throw this.#fail(e);
    }
  }
  getBigInt64(o: number, le?: boolean): bigint {
    try {
      return this.#view.getBigInt64(o, le);
    } catch (e) {
      throw this.#fail(e);
    }
  }
  getBigUint64(o: number, le?: boolean): bigint {
    try {
      return this.#view.getBigUint64(o, le);
    } catch (e) {
      throw this.#fail(e);
    }
  }
  getFloat32(o: number, le?: boolean): number {
    try {
      return this.#view.getFloat32(o, le);
    } catch (e) {
      throw this.#fail(e);
    }
  }
  getFloat64(o: number, le?: boolean): number {
    try {
      return this.#view.getFloat64(o, le);
    } catch (e) {
      throw this.#fail(e);
    }
  }
}
