// IpcClient: an IPC client (Send) plus request -> response. Over channels (default) it
// writes into the server's channel and reads replies from a channel of its own
// (`<server name>-reply-<pid>-<random>`), which it names in its hello; over the named-pipe
// transport it uses one socket both ways. .NET twin: dotnet/Twinmap/IpcClient.cs.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ChannelOptions } from '../channel/channel.js';
import { ClosedError, PeerGoneError, TimeoutError, TwinmapError } from '../errors.js';
import { decodeFrame, encodeFrame, fromUtf8, IPC_HEADER, Kind, OFF_CORRELATION, OFF_KIND, toBytes, u32 } from './frame.js';
import { ChannelLink, PipeLink, type ClientLink, type InPlaceLink, type IpcTransport } from './links.js';
import { IpcMessage, jsonPayload } from './message.js';

export interface IpcClientOptions extends ChannelOptions {
  /** 'channel' (shared memory, the default) or 'pipe' (.NET's named pipe: a Unix socket on Linux). */
  transport?: IpcTransport;
  /** How long send() and request() may wait for room in the server's channel (ms, default 5000). */
  sendTimeoutMs?: number;
}

interface Pending {
  resolve: (data: Uint8Array) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class IpcClient extends EventEmitter implements Disposable {
  /** This client's id in the server's eyes. */
  readonly clientId: number;
  private link: ClientLink | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** clientId as the int32 word request()'s fast path writes into the ring. */
  private readonly clientWord: number;
  private watch: NodeJS.Timeout | undefined;

  private constructor(
    readonly name: string,
    link: ClientLink,
    hello: Uint8Array,
  ) {
    super();
    this.clientId = randomBytes(4).readUInt32LE(0) || 1;
    this.clientWord = this.clientId | 0;
    this.link = link;
    link.start(
      (rec) => this.onFrame(rec),
      (e) => {
        if (e !== undefined) this.emit('error', e);
        this.failPending(new PeerGoneError(`IpcClient ${JSON.stringify(this.name)}: the connection to the server ended`));
      },
    );
    link.send(encodeFrame(Kind.Hello, this.clientId, 0, hello));
  }

  /** Connects over channels to the server named `name` (which must have started): NOT_FOUND if none has. */
  static connect(name: string, options: IpcClientOptions = {}): IpcClient {
    if (options.transport === 'pipe') throw new TwinmapError('INVALID_ARGUMENT', 'the pipe transport connects asynchronously: use IpcClient.connectAsync');
    const link = new ChannelLink(name, options, options.sendTimeoutMs ?? 5000);
    return new IpcClient(name, link, toBytes(link.replyName));
  }

  /** Connects over either transport; for 'pipe', waits up to sendTimeoutMs for the connection. */
  static async connectAsync(name: string, options: IpcClientOptions = {}): Promise<IpcClient> {
    if (options.transport !== 'pipe') return IpcClient.connect(name, options);
    const link = await PipeLink.connect(name, options.sendTimeoutMs ?? 5000);
    return new IpcClient(name, link, new Uint8Array(0));
  }

  private get out(): ClientLink {
    if (this.link === undefined) throw new ClosedError(`IpcClient ${JSON.stringify(this.name)}`);
    return this.link;
  }

  /** Sends a one-way message (the server's 'received' event); waits up to sendTimeoutMs for room. */
  send(data: Uint8Array | string): void {
    this.out.send(encodeFrame(Kind.Message, this.clientId, 0, toBytes(data)));
  }

  /** Like send(), without blocking the event loop while the server's channel is full. */
  async sendAsync(data: Uint8Array | string): Promise<void> {
    await this.out.sendAsync(encodeFrame(Kind.Message, this.clientId, 0, toBytes(data)));
  }

  /**
   * Sends a request and resolves with the server's response. Rejects with TIMEOUT after
   * `timeoutMs`, PEER_GONE if the server goes away, REMOTE if the server's handler failed.
   */
  request(data: Uint8Array | string, timeoutMs = 5000): Promise<Uint8Array> {
    let link: ClientLink;
    let id: number;
    try {
      link = this.out;
      id = this.nextId;
      this.nextId = id === 0xffffffff ? 1 : id + 1;
      const payload = toBytes(data);
      // A lone request is usually answered within microseconds: send now and catch the answer
      // spinning, without a timer, a pending entry or a wake-up through the event loop. Only a
      // request that is not answered by then (or waits for room) is registered. The header goes
      // into the ring as four word stores and the payload as one copy; the reply is read where
      // it lies in the reply channel and only its payload copied out: no frame and no view of
      // a record is made either way (an 80-byte Uint8Array is an off-heap ArrayBuffer in V8, a
      // malloc and a free; a view is a typed array object).
      const fast = link.inPlace;
      if (fast !== undefined && this.pending.size === 0) {
        if (fast.trySendWords(Kind.Request, this.clientWord, id | 0, 0, payload)) {
          const at = fast.pollInPlace();
          if (at >= 0) {
            const len = fast.placedLength();
            const bytes = fast.replyBytes;
            if (len >= IPC_HEADER && u32(bytes, at + OFF_CORRELATION) === id) {
              const kind = bytes[at + OFF_KIND];
              if (kind === Kind.Response || kind === Kind.Error) {
                // The payload's copy that the caller owns, made by the constructor from a view
                // (one builtin call, where new Uint8Array(n) and set() are two).
                const body = new Uint8Array(new Uint8Array(fast.replyBuffer, at + IPC_HEADER, len - IPC_HEADER));
                fast.releaseView();
                return kind === Kind.Response ? Promise.resolve(body) : Promise.reject(this.remoteError(body));
              }
            }
            this.takePlaced(fast, at, len);
          }
          return this.register(id, timeoutMs);
        }
      }
      const frame = encodeFrame(Kind.Request, this.clientId, id, payload);
      const result = this.register(id, timeoutMs);
      link.sendAsync(frame).then(
        () => {
          const fast = link.inPlace;
          if (this.pending.size === 1 && fast !== undefined) {
            const at = fast.pollInPlace();
            if (at >= 0) this.takePlaced(fast, at, fast.placedLength());
          }
        },
        (e: Error) => this.settle(id, undefined, e),
      );
      return result;
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  /** A record read in place that request() did not expect: copied, released, and handled as the receive loop would. */
  private takePlaced(fast: InPlaceLink, at: number, len: number): void {
    const copy = new Uint8Array(len);
    copy.set(new Uint8Array(fast.replyBuffer, at, len));
    fast.releaseView();
    this.onFrame(copy);
  }

  /** A pending request: settled by its response, its server's end or its timeout. */
  private register(id: number, timeoutMs: number): Promise<Uint8Array> {
    const result = new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new TimeoutError(`IpcClient ${JSON.stringify(this.name)}: no response to request ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
    this.startWatch();
    return result;
  }

  private remoteError(payload: Uint8Array): TwinmapError {
    return new TwinmapError('REMOTE', `IpcServer ${JSON.stringify(this.name)}: ${fromUtf8(payload)}`);
  }

  /** request() with JSON in and out, each as a JSON record (json_record.ksy); the server answers with jsonPayload(...). */
  async requestJson<T = unknown>(value: unknown, timeoutMs = 5000): Promise<T> {
    return new IpcMessage(await this.request(jsonPayload(value), timeoutMs), this.clientId).json<T>();
  }

  /** send() of a JSON value as a JSON record (the server reads it with message.json()). */
  sendJson(value: unknown): void {
    this.send(jsonPayload(value));
  }

  private onFrame(rec: Uint8Array): void {
    const f = decodeFrame(rec);
    if (f === undefined) return;
    if (f.kind === Kind.Response) this.settle(f.correlationId, f.payload, undefined);
    else if (f.kind === Kind.Error) this.settle(f.correlationId, undefined, this.remoteError(f.payload));
    else if (f.kind === Kind.Message) this.emit('received', new IpcMessage(f.payload, this.clientId));
  }

  private settle(id: number, data: Uint8Array | undefined, error: Error | undefined): void {
    const p = this.pending.get(id);
    if (p === undefined) return; // late (timed out) or unknown
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (error !== undefined) p.reject(error);
    else p.resolve(data!);
  }

  private failPending(err: Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id, undefined, err);
  }

  // While requests are pending, check now and then that the server is still there.
  private startWatch(): void {
    if (this.watch !== undefined) return;
    this.watch = setInterval(() => {
      if (this.pending.size === 0 || this.link === undefined) {
        clearInterval(this.watch);
        this.watch = undefined;
        return;
      }
      const gone = this.link.serverGone();
      if (gone !== undefined) this.failPending(new PeerGoneError(`IpcClient ${JSON.stringify(this.name)}: the server (pid ${gone}) is gone`));
    }, 250);
    this.watch.unref();
  }

  /** Says goodbye and closes; pending requests reject with CLOSED. */
  close(): void {
    const link = this.link;
    if (link === undefined) return;
    this.link = undefined;
    link.close(encodeFrame(Kind.Bye, this.clientId, 0, new Uint8Array(0)));
    this.failPending(new ClosedError(`IpcClient ${JSON.stringify(this.name)}`));
    if (this.watch !== undefined) clearInterval(this.watch);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
