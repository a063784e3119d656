// IpcServer: the seed's IIpcServer (Start, Stop, a Received event) for Node, over a twinmap
// channel: clients write requests and messages into the server's channel `name`; each client
// reads replies from a channel of its own, named in its hello. Messages are ipc_message.ksy.
// The .NET twin is dotnet/Twinmap/IpcServer.cs; either side can be server or client.
import { EventEmitter, on } from 'node:events';
import { Channel, type ChannelOptions } from '../channel/channel.js';
import { ClosedError, TwinmapError } from '../errors.js';
import { decodeFrame, encodeFrame, fromUtf8, Kind, toBytes, type Frame } from './frame.js';
import { IpcMessage } from './message.js';

export type RequestHandler = (request: IpcMessage) => Uint8Array | string | Promise<Uint8Array | string>;

export interface IpcServerOptions extends ChannelOptions {
  /** How long a reply may wait for room in a client's channel before that client is dropped (ms, default 5000). */
  sendTimeoutMs?: number;
  /** Answers requests; without one, every request gets an error response. */
  onRequest?: RequestHandler;
}

export class IpcServer extends EventEmitter implements Disposable, AsyncIterable<IpcMessage> {
  onRequest: RequestHandler | undefined;
  private channel: Channel | undefined;
  private readonly clients = new Map<number, Channel>();
  private readonly sendTimeoutMs: number;

  constructor(
    readonly name: string,
    private readonly options: IpcServerOptions = {},
  ) {
    super();
    this.onRequest = options.onRequest;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 5000;
  }

  /** Creates the server's channel (or takes over one left by a server that is gone) and starts receiving. */
  start(): void {
    if (this.channel !== undefined) return;
    const ch = Channel.openOrCreate(this.name, this.options);
    ch.tryReceive(); // attach as the reader now: ALREADY_EXISTS if another server runs
    this.channel = ch;
    void this.loop(ch);
  }

  /** Stops receiving, closes the channels and removes the server's name; clients' sends then fail with PEER_GONE. */
  stop(): void {
    const ch = this.channel;
    if (ch === undefined) return;
    this.channel = undefined;
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
    ch.close();
    Channel.unlink(this.name);
  }

  /** Ids of the clients that said hello and have not left. */
  get clientIds(): number[] {
    return [...this.clients.keys()];
  }

  /** Sends a one-way message to a client (its 'received' event). */
  async send(clientId: number, data: Uint8Array | string): Promise<void> {
    await this.reply(clientId, Kind.Message, 0, toBytes(data));
  }

  /** One-way messages from clients, as an async iterator (requests go to onRequest). */
  async *[Symbol.asyncIterator](): AsyncIterator<IpcMessage> {
    for await (const [msg] of on(this, 'received') as AsyncIterable<[IpcMessage]>) yield msg;
  }

  private async loop(ch: Channel): Promise<void> {
    try {
      for await (const rec of ch) {
        const f = decodeFrame(rec);
        if (f !== undefined) this.dispatch(f);
      }
    } catch (e) {
      if (!(e instanceof ClosedError) && this.channel === ch) this.emit('error', e);
    }
  }

  private dispatch(f: Frame): void {
    switch (f.kind) {
      case Kind.Hello: {
        const old = this.clients.get(f.clientId);
        old?.close();
        try {
          this.clients.set(f.clientId, Channel.open(fromUtf8(f.payload)));
          this.emit('connect', f.clientId);
        } catch (e) {
          this.emit('error', new TwinmapError('INVALID_ARGUMENT', `client ${f.clientId}: cannot open its reply channel: ${(e as Error).message}`, { cause: e }));
        }
        return;
      }
      case Kind.Bye:
        this.dropClient(f.clientId);
        return;
      case Kind.Message:
        this.emit('received', new IpcMessage(f.payload, f.clientId));
        return;
      case Kind.Request:
        void this.answer(f);
        return;
      default:
        return; // unknown kinds are ignored: a newer client may speak more
    }
  }

  private async answer(f: Frame): Promise<void> {
    let kind: Kind = Kind.Response;
    let body: Uint8Array;
    try {
      if (this.onRequest === undefined) throw new Error(`IpcServer ${JSON.stringify(this.name)} has no request handler`);
      body = toBytes(await this.onRequest(new IpcMessage(f.payload, f.clientId)));
    } catch (e) {
      kind = Kind.Error;
      body = toBytes(e instanceof Error ? e.message : String(e));
    }
    try {
      await this.reply(f.clientId, kind, f.correlationId, body);
    } catch (e) {
      if (!(e instanceof ClosedError)) this.emit('error', e);
    }
  }

  private async reply(clientId: number, kind: Kind, correlationId: number, body: Uint8Array): Promise<void> {
    const ch = this.clients.get(clientId);
    if (ch === undefined) throw new TwinmapError('NOT_FOUND', `IpcServer ${JSON.stringify(this.name)}: no client ${clientId}`);
    const frame = encodeFrame(kind, clientId, correlationId, body);
    try {
      if (!ch.trySend(frame)) await ch.sendAsync(frame, this.sendTimeoutMs);
    } catch (e) {
      if (e instanceof TwinmapError && (e.code === 'PEER_GONE' || e.code === 'TIMEOUT')) this.dropClient(clientId);
      throw e;
    }
  }

  private dropClient(clientId: number): void {
    const ch = this.clients.get(clientId);
    if (ch === undefined) return;
    this.clients.delete(clientId);
    ch.close();
    this.emit('disconnect', clientId);
  }

  [Symbol.dispose](): void {
    this.stop();
  }
}
