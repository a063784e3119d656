using System.Buffers.Binary;
using Twinmap.Formats;

namespace Twinmap;

/// <summary>
/// Record frames on a pipe (record_frame.ksy): [length u4][kind u4 = 1][message][zero padding to
/// 8 bytes], the same framing as a channel's ring and as ts/ipc/pipe.ts.
/// </summary>
internal static class IpcPipe
{
    public const int MaxMessage = 256 * 1024 * 1024;

    public static async Task WriteAsync(Stream stream, byte[] message, SemaphoreSlim gate, CancellationToken token)
    {
        var frame = new byte[Channel.FrameSize(message.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(RecordFrameLayout.Length), (uint)message.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(RecordFrameLayout.Kind), (uint)FrameKind.Record);
        message.CopyTo(frame, RecordFrameLayout.Payload);
        await gate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(frame, token).ConfigureAwait(false);
            await stream.FlushAsync(token).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The next message, or null at the end of the stream; BAD_HEADER for a frame no twinmap side writes.</summary>
    public static async Task<byte[]?> ReadAsync(Stream stream, CancellationToken token)
    {
        var head = new byte[RecordFrameLayout.Payload];
        if (!await ReadExactly(stream, head, token).ConfigureAwait(false)) return null;
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(RecordFrameLayout.Length));
        uint kind = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(RecordFrameLayout.Kind));
        if (kind != (uint)FrameKind.Record || length > MaxMessage)
            throw new BadHeaderException($"pipe frame: kind {kind}, length {length} (expected kind {(uint)FrameKind.Record} and at most {MaxMessage} bytes)");
        int padded = Channel.FrameSize((int)length) - RecordFrameLayout.Payload;
        var body = new byte[padded];
        if (!await ReadExactly(stream, body, token).ConfigureAwait(false)) return null;
        return padded == length ? body : body[..(int)length];
    }

    private static async Task<bool> ReadExactly(Stream stream, byte[] buf, CancellationToken token)
    {
        int got = 0;
        while (got < buf.Length)
        {
            int n = await stream.ReadAsync(buf.AsMemory(got), token).ConfigureAwait(false);
            if (n == 0) return false;
            got += n;
        }
        return true;
    }
}
