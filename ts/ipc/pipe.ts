// The named-pipe transport for IpcServer/IpcClient: what .NET's NamedPipeServerStream is (on
// Linux a Unix socket at <temp dir>/CoreFxPipe_<name>, on Windows a named pipe), reached from
// Node with `net`. Each IPC
// message (ipc_message.ksy) travels in a record frame (record_frame.ksy): [length u4][kind u4 = 1]
// [message][zero padding to 8 bytes], the same framing as in a channel's ring.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { frameSize } from '../channel/layout.js';
import { TwinmapError } from '../errors.js';
import { FrameKind, RecordFrameLayout as F } from '../formats/record_frame.js';
import { parseName } from '../names.js';

/**
 * Where .NET's NamedPipeServerStream(name) listens: on Linux/macOS the socket
 * Path.GetTempPath() + "CoreFxPipe_" + name; on Windows the pipe \\.\pipe\<name> (the name as
 * given, as .NET passes it), which Node's `net` also listens on and connects to.
 */
export function pipePath(name: string): string {
  const parsed = parseName(name);
  if (process.platform === 'win32') return `\\\\.\\pipe\\${parsed.original}`;
  return join(tmpdir(), `CoreFxPipe_${parsed.base}`);
}

/** The largest message either side accepts on a pipe (a peer's garbage length is refused, not allocated). */
export const MAX_PIPE_MESSAGE = 256 * 1024 * 1024;

export function encodePipeFrame(message: Uint8Array): Buffer {
  const out = Buffer.alloc(frameSize(message.length));
  out.writeUInt32LE(message.length, F.length);
  out.writeUInt32LE(FrameKind.RECORD, F.kind);
  out.set(message, F.payload);
  return out;
}

/** Cuts a byte stream into record frames; throws BAD_HEADER on a frame no twinmap side writes. */
export class PipeFrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(data: Buffer, onMessage: (message: Uint8Array) => void): void {
    this.chunks.push(data);
    this.buffered += data.length;
    for (;;) {
      if (this.buffered < F.payload) return;
      const head = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      this.chunks = [head];
      const length = head.readUInt32LE(F.length);
      const kind = head.readUInt32LE(F.kind);
      if (kind !== FrameKind.RECORD || length > MAX_PIPE_MESSAGE) {
        throw new TwinmapError('BAD_HEADER', `pipe frame: kind ${kind}, length ${length} (expected kind ${FrameKind.RECORD} and at most ${MAX_PIPE_MESSAGE} bytes)`);
      }
      const size = frameSize(length);
      if (this.buffered < size) return;
      onMessage(head.subarray(F.payload, F.payload + length));
      const rest = head.subarray(size);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered -= size;
    }
  }
}

/** Writes a frame; resolves when the socket has taken it (waits for 'drain' under back-pressure). */
export function writeFrame(socket: Socket, message: Uint8Array): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (socket.destroyed) {
      reject(new TwinmapError('PEER_GONE', 'the pipe is closed'));
      return;
    }
    socket.write(encodePipeFrame(message), (err) => (err ? reject(new TwinmapError('PEER_GONE', `the pipe is closed: ${err.message}`, { cause: err })) : resolve()));
  });
}
