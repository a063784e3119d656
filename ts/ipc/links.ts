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

/**
 * What request()'s fast path needs of a link (channels only): the request's header goes into
 * the ring as four words, and the reply is read where it lies in the reply channel, with no view
 * or copy of the record made.
 */
export interface InPlaceLink {
  /** Sends the frame of header words `w0..w3` (ipc_message.ksy's 16 bytes, as little-endian u32s) + `payload` if there is room now (never waits); false if not. */
  trySendWords(w0: number, w1: number, w2: number, w3: number, payload: Uint8Array): boolean;
  /**
   * A reply that is already there or comes within the channel's (adaptive) spin: its byte offset
   * in replyBytes, held until releaseView(); -1 if none. Never sleeps.
   */
  pollInPlace(): number;
  /** The length of the record pollInPlace() returned last. */
  placedLength(): number;
  releaseView(): void;
  /** The reply channel's whole mapping, as bytes and as its buffer: what pollInPlace's offsets index. */
  readonly replyBytes: Uint8Array;
  readonly replyBuffer: ArrayBuffer;
}

/** A client's connection to its server. */
export interface ClientLink {
  /** Sends now, waiting (blocking) up to the send timeout for room on a channel; a pipe buffers. */
  send(frame: Uint8Array): void;
  sendAsync(frame: Uint8Array): Promise<void>;
  /** The pid of a server that is gone (0 if unknown), undefined while it is there. */
  serverGone(): number | undefined;
  /** Present on links whose replies can be read in place (channels). */
  readonly inPlace?: InPlaceLink;
  /** Starts delivering the server's frames; `onEnd` when the link fails or closes. */
  start(onFrame: (rec: Uint8Array) => void, onEnd: (e?: Error) => void): void;
  /** Sends `bye` (best effort) and closes. */
  close(bye: Uint8Array): void;
}

export class ChannelLink implements ClientLink, InPlaceLink {
  private readonly server: Channel;
  private readonly replies: Channel;
  readonly replyName: string;
  readonly inPlace: InPlaceLink = this;
  readonly replyBytes: Uint8Array;
  readonly replyBuffer: ArrayBuffer;

  constructor(name: string, options: ChannelOptions, private readonly timeoutMs: number) {
    this.server = Channel.open(name, options); // NOT_FOUND if no server has started
    this.replyName = `${name}-reply-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      this.replies = Channel.create(this.replyName, { ...options, capacity: options.capacity ?? 1 << 20 });
      this.replies.tryReceive(); // attach as the reader before the server can answer
      this.replyBuffer = this.replies.sharedBuffer;
      this.replyBytes = new Uint8Array(this.replyBuffer);
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

  trySendWords(w0: number, w1: number, w2: number, w3: number, payload: Uint8Array): boolean {
    return this.server.trySendWords(w0, w1, w2, w3, payload);
  }

  serverGone(): number | undefined {
    return this.server.checkPeers().find((g) => g.role === 'reader')?.pid;
  }

  pollInPlace(): number {
    return this.replies.pollInPlace(0); // spins up to spinMicros (adaptively), then gives up
  }

  placedLength(): number {
    return this.replies.placedLength();
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
