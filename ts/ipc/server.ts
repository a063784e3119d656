// IpcServer: an IPC server (Start, Stop, a Received event) for Node. Over channels (the
// default) clients write requests and messages into the server's channel `name`, and each client
// reads replies from a channel of its own, named in its hello. Over the named-pipe transport it
// listens where .NET's NamedPipeServerStream(name) would, one socket per client. Messages are
// ipc_message.ksy. The .NET twin is dotnet/Twinmap/IpcServer.cs; either side can be server or client.
import { existsSync, unlinkSync } from 'node:fs';
import { EventEmitter, on } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { Channel, type ChannelOptions } from '../channel/channel.js';
import { ClosedError, TwinmapError } from '../errors.js';
import { decodeFrame, encodeFrame, fromUtf8, IPC_HEADER, Kind, toBytes, writeHeader, type Frame } from './frame.js';
import { channelReplier, socketReplier, type IpcTransport, type Replier } from './links.js';
import { IpcMessage } from './message.js';
import { PipeFrameReader, pipePath } from './pipe.js';

export type RequestHandler = (request: IpcMessage) => Uint8Array | string | Promise<Uint8Array | string>;

export interface IpcServerOptions extends ChannelOptions {
  /** 'channel' (shared memory, the default) or 'pipe' (.NET's named pipe: a Unix socket on Linux). */
  transport?: IpcTransport;
  /** How long a reply may wait for room in a client's channel before that client is dropped (ms, default 5000). */
  sendTimeoutMs?: number;
  /** Answers requests; without one, every request gets an error response. */
  onRequest?: RequestHandler;
}

export class IpcServer extends EventEmitter implements Disposable, AsyncIterable<IpcMessage> {
  onRequest: RequestHandler | undefined;
  private channel: Channel | undefined;
  private pipe: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Map<number, Replier>();
  private readonly replyNames = new Map<number, string>();
  /** Resolves once the server accepts clients (at once for channels; after listen() for a pipe). */
  listening: Promise<void> = Promise.resolve();
  private readonly sendTimeoutMs: number;
  /** The header of a reply sent at once (respond()'s fast path): written in place each time. */
  private readonly header = new Uint8Array(IPC_HEADER);

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
    if (this.channel !== undefined || this.pipe !== undefined) return;
    if (this.options.transport === 'pipe') {
      this.startPipe();
      return;
    }
    const ch = Channel.openOrCreate(this.name, this.options);
    ch.tryReceive(); // attach as the reader now: ALREADY_EXISTS if another server runs
    this.channel = ch;
    void this.loop(ch);
  }

  /** Stops receiving, closes the channels and removes the server's name; clients' sends then fail with PEER_GONE. */
  stop(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
    const pipe = this.pipe;
    if (pipe !== undefined) {
      this.pipe = undefined;
      for (const s of this.sockets) s.destroy();
      pipe.close();
    }
    const ch = this.channel;
    if (ch === undefined) return;
    this.channel = undefined;
    ch.close();
    Channel.unlink(this.name);
  }

  private startPipe(): void {
    const path = pipePath(this.name);
    // A socket file left by a server that is gone would make listen() fail with EADDRINUSE.
    // (A Windows pipe goes with its last handle: there is no file to remove.)
    if (process.platform !== 'win32' && existsSync(path)) unlinkSync(path);
    const srv = createServer((socket) => this.acceptPipe(socket));
    this.pipe = srv;
    this.listening = new Promise<void>((resolve, reject) => {
      srv.once('listening', resolve);
      srv.once('error', reject);
    });
    srv.listen(path);
  }

  private acceptPipe(socket: Socket): void {
    this.sockets.add(socket);
    const reader = new PipeFrameReader();
    const replier = socketReplier(socket);
    let clientId = 0;
    socket.on('data', (d: Buffer) => {
      try {
        reader.push(d, (rec) => {
          const f = decodeFrame(rec);
          if (f === undefined) return;
          if (f.kind === Kind.Hello) {
            clientId = f.clientId;
            this.clients.set(clientId, replier);
            this.emit('connect', clientId);
          } else this.dispatch(f);
        });
      } catch (e) {
        socket.destroy();
        this.emit('error', e);
      }
    });
    socket.on('error', () => {}); // 'close' follows
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (clientId !== 0 && this.clients.get(clientId) === replier) {
        this.clients.delete(clientId);
        this.emit('disconnect', clientId);
      }
    });
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
          const replyName = fromUtf8(f.payload);
          this.clients.set(f.clientId, channelReplier(Channel.open(replyName), this.sendTimeoutMs));
          this.replyNames.set(f.clientId, replyName);
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
        this.answer(f);
        return;
      default:
        return; // unknown kinds are ignored: a newer client may speak more
    }
  }

  /** Runs the handler and replies; a handler that answers synchronously is replied to at once, with no promise. */
  private answer(f: Frame): void {
    let result: ReturnType<RequestHandler>;
    try {
      if (this.onRequest === undefined) throw new Error(`IpcServer ${JSON.stringify(this.name)} has no request handler`);
      result = this.onRequest(new IpcMessage(f.payload, f.clientId));
    } catch (e) {
      this.respond(f, Kind.Error, errorText(e));
      return;
    }
    if (typeof (result as Partial<PromiseLike<unknown>>).then === 'function') {
      (result as Promise<Uint8Array | string>).then(
        (r) => this.respond(f, Kind.Response, toBytes(r)),
        (e: unknown) => this.respond(f, Kind.Error, errorText(e)),
      );
    } else this.respond(f, Kind.Response, toBytes(result as Uint8Array | string));
  }

  /** Sends a reply: straight into the client's channel if there is room now (no frame built), else through reply(). */
  private respond(f: Frame, kind: Kind, body: Uint8Array): void {
    const link = this.clients.get(f.clientId);
    if (link?.trySendParts !== undefined) {
      const header = this.header;
      writeHeader(header, kind, f.clientId, f.correlationId);
      try {
        if (link.trySendParts(header, body)) return;
      } catch (e) {
        this.replyFailed(f.clientId, e);
        this.reportReplyError(f.clientId, e);
        return;
      }
    }
    this.reply(f.clientId, kind, f.correlationId, body).catch((e: unknown) => this.reportReplyError(f.clientId, e));
  }

  private reportReplyError(clientId: number, e: unknown): void {
    // A client that said goodbye before its answer was ready cannot be answered; that is its
    // choice, not the server's error (an 'error' event nobody listens to would end the process).
    const clientLeft = e instanceof TwinmapError && e.code === 'NOT_FOUND' && !this.clients.has(clientId);
    if (!(e instanceof ClosedError) && !clientLeft) this.emit('error', e);
  }

  private async reply(clientId: number, kind: Kind, correlationId: number, body: Uint8Array): Promise<void> {
    const link = this.clients.get(clientId);
    if (link === undefined) throw new TwinmapError('NOT_FOUND', `IpcServer ${JSON.stringify(this.name)}: no client ${clientId}`);
    try {
      await link.send(encodeFrame(kind, clientId, correlationId, body));
    } catch (e) {
      this.replyFailed(clientId, e);
      throw e;
    }
  }

  /** A reply that failed because its client died or stopped reading drops that client. */
  private replyFailed(clientId: number, e: unknown): void {
    if (e instanceof TwinmapError && (e.code === 'PEER_GONE' || e.code === 'TIMEOUT')) {
      // A client that died cannot remove its reply channel: the server does, once it is sure.
      const replyName = this.replyNames.get(clientId);
      // Only names of this server's reply channels: a hello's payload is the client's word.
      if (e.code === 'PEER_GONE' && replyName !== undefined && replyName.startsWith(`${this.name}-reply-`)) Channel.unlink(replyName);
      this.dropClient(clientId);
    }
  }

  private dropClient(clientId: number): void {
    this.replyNames.delete(clientId);
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

function errorText(e: unknown): Uint8Array {
  return toBytes(e instanceof Error ? e.message : String(e));
}
