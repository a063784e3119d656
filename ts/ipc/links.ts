// How an IpcServer or IpcClient moves frames: over twinmap channels (the default) or over the
// named-pipe transport (pipe.ts). Each link carries ipc_message.ksy messages, nothing else.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { Channel, type ChannelOptions } from '../channel/channel.js';
import { ClosedError, NotFoundError, PeerGoneError, TwinmapError } from '../errors.js';
import { encodePipeFrame, PipeFrameReader, pipePath, writeFrame } from './pipe.js';

export type IpcTransport = 'channel' | 'pipe';

/** The server's way back to one client. */
export interface Replier {
  send(frame: Uint8Array): Promise<void>;
  /** Sends the frame `header` + `payload` if there is room now (never waits); false if not. */
  trySendParts?(header: Uint8Array, payload: Uint8Array): boolean;
  close(): void;
}

export function channelReplier(ch: Channel, timeoutMs: number): Replier {
  return {
    trySendParts: (header, payload) => ch.trySendParts(header, payload),
    send: async (frame) => {
      if (!ch.trySend(frame)) await ch.sendAsync(frame, timeoutMs);
    },
    close: () => ch.close(),
  };
}

export function socketReplier(socket: Socket): Replier {
  return { send: (frame) => writeFrame(socket, frame), close: () => socket.destroy() };
}

/** A client's connection to its server. */
export interface ClientLink {
  /** Sends now, waiting (blocking) up to the send timeout for room on a channel; a pipe buffers. */
  send(frame: Uint8Array): void;
  sendAsync(frame: Uint8Array): Promise<void>;
  /** Sends the frame `header` + `payload` if there is room now (never waits); false if not. */
  trySendParts?(header: Uint8Array, payload: Uint8Array): boolean;
  /** The pid of a server that is gone (0 if unknown), undefined while it is there. */
  serverGone(): number | undefined;
  /**
   * A reply that is already there or comes within the channel's (adaptive) spin, as a view into
   * the channel valid until releaseView(); never sleeps.
   */
  pollView?(): Uint8Array | undefined;
  releaseView?(): void;
  /** Starts delivering the server's frames; `onEnd` when the link fails or closes. */
  start(onFrame: (rec: Uint8Array) => void, onEnd: (e?: Error) => void): void;
  /** Sends `bye` (best effort) and closes. */
  close(bye: Uint8Array): void;
}

export class ChannelLink implements ClientLink {
  private readonly server: Channel;
  private readonly replies: Channel;
  readonly replyName: string;

  constructor(name: string, options: ChannelOptions, private readonly timeoutMs: number) {
    this.server = Channel.open(name, options); // NOT_FOUND if no server has started
    this.replyName = `${name}-reply-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      this.replies = Channel.create(this.replyName, { ...options, capacity: options.capacity ?? 1 << 20 });
      this.replies.tryReceive(); // attach as the reader before the server can answer
    } catch (e) {
      this.server.close();
      throw e;
    }
  }

  send(frame: Uint8Array): void {
    this.server.send(frame, this.timeoutMs);
  }

  async sendAsync(frame: Uint8Array): Promise<void> {
    if (!this.server.trySend(frame)) await this.server.sendAsync(frame, this.timeoutMs);
  }

  trySendParts(header: Uint8Array, payload: Uint8Array): boolean {
    return this.server.trySendParts(header, payload);
  }

  serverGone(): number | undefined {
    return this.server.checkPeers().find((g) => g.role === 'reader')?.pid;
  }

  pollView(): Uint8Array | undefined {
    return this.replies.receiveView(0); // spins up to spinMicros (adaptively), then gives up
  }

  releaseView(): void {
    this.replies.releaseView();
  }

  start(onFrame: (rec: Uint8Array) => void, onEnd: (e?: Error) => void): void {
    void (async () => {
      try {
        for await (const rec of this.replies) onFrame(rec);
        onEnd();
      } catch (e) {
        onEnd(e instanceof ClosedError ? undefined : (e as Error));
      }
    })();
  }

  close(bye: Uint8Array): void {
    try {
      this.server.trySend(bye);
    } catch {
      /* the server is gone: nothing to say goodbye to */
    }
    this.server.close();
    this.replies.close();
    Channel.unlink(this.replyName);
  }
}

export class PipeLink implements ClientLink {
  private constructor(private readonly socket: Socket) {}

  /** Connects to the pipe .NET's NamedPipeServerStream(name) (or a twinmap pipe IpcServer) listens on. */
  static connect(name: string, timeoutMs: number): Promise<PipeLink> {
    const path = pipePath(name);
    return new Promise<PipeLink>((resolve, reject) => {
      const socket = connect(path);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TwinmapError('TIMEOUT', `pipe ${JSON.stringify(name)} (${path}): no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new PipeLink(socket));
      });
      socket.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          e.code === 'ENOENT' || e.code === 'ECONNREFUSED'
            ? new NotFoundError(`pipe ${JSON.stringify(name)} (${path}): no server listens there`, { cause: e, osCode: e.code })
            : new TwinmapError('OS', `pipe ${JSON.stringify(name)} (${path}): ${e.message}`, { cause: e, osCode: e.code }),
        );
      });
    });
  }

  send(frame: Uint8Array): void {
    if (this.socket.destroyed || !this.socket.writable) throw new PeerGoneError('the pipe to the server is closed');
    this.socket.write(encodePipeFrame(frame));
  }

  sendAsync(frame: Uint8Array): Promise<void> {
    return writeFrame(this.socket, frame);
  }

  serverGone(): number | undefined {
    return this.socket.destroyed || !this.socket.readable ? 0 : undefined;
  }

  start(onFrame: (rec: Uint8Array) => void, onEnd: (e?: Error) => void): void {
    const reader = new PipeFrameReader();
    this.socket.on('data', (d: Buffer) => {
      try {
        reader.push(d, onFrame);
      } catch (e) {
        this.socket.destroy();
        onEnd(e as Error);
      }
    });
    this.socket.on('error', () => {}); // 'close' follows
    this.socket.on('close', () => onEnd());
  }

  close(bye: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.end(encodePipeFrame(bye));
  }
}
