// IpcClient: the seed's IIpcClient (Send) plus request -> response, over twinmap channels. It
// writes into the server's channel and reads replies from a channel of its own
// (`<server name>-reply-<pid>-<random>`), which it names in its hello. .NET twin: IpcClient.cs.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Channel, type ChannelOptions } from '../channel/channel.js';
import { ClosedError, PeerGoneError, TimeoutError, TwinmapError } from '../errors.js';
import { decodeFrame, encodeFrame, fromUtf8, Kind, toBytes } from './frame.js';
import { IpcMessage } from './message.js';

export interface IpcClientOptions extends ChannelOptions {
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
  private server: Channel | undefined;
  private readonly replies: Channel;
  private readonly replyName: string;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly sendTimeoutMs: number;
  private watch: NodeJS.Timeout | undefined;

  private constructor(
    readonly name: string,
    options: IpcClientOptions,
  ) {
    super();
    this.sendTimeoutMs = options.sendTimeoutMs ?? 5000;
    this.clientId = randomBytes(4).readUInt32LE(0) || 1;
    this.server = Channel.open(name, options); // NOT_FOUND if no server has started
    this.replyName = `${name}-reply-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      this.replies = Channel.create(this.replyName, { ...options, capacity: options.capacity ?? 1 << 20 });
      this.replies.tryReceive(); // attach as the reader before the server can answer
    } catch (e) {
      this.server.close();
      throw e;
    }
    this.server.send(encodeFrame(Kind.Hello, this.clientId, 0, toBytes(this.replyName)), this.sendTimeoutMs);
    void this.loop();
  }

  /** Connects to the server named `name` (which must have started). */
  static connect(name: string, options: IpcClientOptions = {}): IpcClient {
    return new IpcClient(name, options);
  }

  private get out(): Channel {
    if (this.server === undefined) throw new ClosedError(`IpcClient ${JSON.stringify(this.name)}`);
    return this.server;
  }

  /** Sends a one-way message (the server's 'received' event); waits up to sendTimeoutMs for room. */
  send(data: Uint8Array | string): void {
    this.out.send(encodeFrame(Kind.Message, this.clientId, 0, toBytes(data)), this.sendTimeoutMs);
  }

  /** Like send(), without blocking the event loop while the server's channel is full. */
  async sendAsync(data: Uint8Array | string): Promise<void> {
    const frame = encodeFrame(Kind.Message, this.clientId, 0, toBytes(data));
    if (!this.out.trySend(frame)) await this.out.sendAsync(frame, this.sendTimeoutMs);
  }

  /**
   * Sends a request and resolves with the server's response. Rejects with TIMEOUT after
   * `timeoutMs`, PEER_GONE if the server goes away, REMOTE if the server's handler failed.
   */
  async request(data: Uint8Array | string, timeoutMs = 5000): Promise<Uint8Array> {
    const id = this.nextId;
    this.nextId = this.nextId === 0xffffffff ? 1 : this.nextId + 1;
    const frame = encodeFrame(Kind.Request, this.clientId, id, toBytes(data));
    const result = new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new TimeoutError(`IpcClient ${JSON.stringify(this.name)}: no response to request ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
    this.startWatch();
    try {
      if (!this.out.trySend(frame)) await this.out.sendAsync(frame, this.sendTimeoutMs);
    } catch (e) {
      this.settle(id, undefined, e as Error);
    }
    return result;
  }

  /** request() with JSON in and out. */
  async requestJson<T = unknown>(value: unknown, timeoutMs = 5000): Promise<T> {
    return JSON.parse(fromUtf8(await this.request(JSON.stringify(value), timeoutMs))) as T;
  }

  private settle(id: number, data: Uint8Array | undefined, error: Error | undefined): void {
    const p = this.pending.get(id);
    if (p === undefined) return; // late (timed out) or unknown
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (error !== undefined) p.reject(error);
    else p.resolve(data!);
  }

  // While requests are pending, check now and then that the server is still there.
  private startWatch(): void {
    if (this.watch !== undefined) return;
    this.watch = setInterval(() => {
      if (this.pending.size === 0 || this.server === undefined) {
        clearInterval(this.watch);
        this.watch = undefined;
        return;
      }
      const gone = this.server.checkPeers().find((g) => g.role === 'reader');
      if (gone !== undefined) {
        const err = new PeerGoneError(`IpcClient ${JSON.stringify(this.name)}: the server (pid ${gone.pid}) is gone`);
        for (const id of [...this.pending.keys()]) this.settle(id, undefined, err);
      }
    }, 250);
    this.watch.unref();
  }

  private async loop(): Promise<void> {
    try {
      for await (const rec of this.replies) {
        const f = decodeFrame(rec);
        if (f === undefined) continue;
        if (f.kind === Kind.Response) this.settle(f.correlationId, f.payload, undefined);
        else if (f.kind === Kind.Error) this.settle(f.correlationId, undefined, new TwinmapError('REMOTE', `IpcServer ${JSON.stringify(this.name)}: ${fromUtf8(f.payload)}`));
        else if (f.kind === Kind.Message) this.emit('received', new IpcMessage(f.payload, this.clientId));
      }
    } catch (e) {
      if (!(e instanceof ClosedError)) this.emit('error', e);
    }
  }

  /** Says goodbye, closes both channels and removes this client's reply channel; pending requests reject with CLOSED. */
  close(): void {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    try {
      server.trySend(encodeFrame(Kind.Bye, this.clientId, 0, new Uint8Array(0)));
    } catch {
      /* the server is gone: nothing to say goodbye to */
    }
    server.close();
    this.replies.close();
    Channel.unlink(this.replyName);
    const err = new ClosedError(`IpcClient ${JSON.stringify(this.name)}`);
    for (const id of [...this.pending.keys()]) this.settle(id, undefined, err);
    if (this.watch !== undefined) clearInterval(this.watch);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
