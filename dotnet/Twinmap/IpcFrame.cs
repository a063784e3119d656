using System.Buffers.Binary;
using Twinmap.Formats;
using M = Twinmap.Formats.IpcMessageLayout;
using System.Runtime.CompilerServices;

namespace Twinmap;

/// <summary>The IPC message header (formats/ipc_message.ksy): 16 bytes before the payload, as in ts/ipc/frame.ts.</summary>
internal static class IpcFrame
{
    // Offsets and kinds from the code `twinmap gen` writes for the spec (`const`: compiled in).
    public const int HeaderSize = M.Payload;
    public const byte Hello = (byte)Kind.Hello, Bye = (byte)Kind.Bye, Message = (byte)Kind.Message, Request = (byte)Kind.Request, Response = (byte)Kind.Response, Error = (byte)Kind.Error;
    private const int OffKind = M.Kind, OffClient = M.ClientId, OffCorrelation = M.CorrelationId;

    public static byte[] Encode(byte kind, uint clientId, uint correlationId, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[HeaderSize + payload.Length];
        Write(frame, kind, clientId, correlationId, payload);
        return frame;
    }

    /// <summary>Writes a frame into <paramref name="frame"/>, which is exactly HeaderSize + payload bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Write(Span<byte> frame, byte kind, uint clientId, uint correlationId, ReadOnlySpan<byte> payload)
    {
        frame[..HeaderSize].Clear();
        frame[OffKind] = kind;
        BinaryPrimitives.WriteUInt32LittleEndian(frame[OffClient..], clientId);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[OffCorrelation..], correlationId);
        payload.CopyTo(frame[HeaderSize..]);
    }

    /// <summary>A message read out of a record: its header fields and a copy of its payload (null: the record was too short to be a message).</summary>
    public readonly record struct Decoded(byte Kind, uint ClientId, uint CorrelationId, byte[]? Payload);

    /// <summary>Decodes a record in place, copying only the payload; a record too short to be a message gives a null payload.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Decoded Decode(ReadOnlySpan<byte> rec) =>
        rec.Length < HeaderSize
            ? default
            : new(rec[OffKind], BinaryPrimitives.ReadUInt32LittleEndian(rec[OffClient..]), BinaryPrimitives.ReadUInt32LittleEndian(rec[OffCorrelation..]), rec[HeaderSize..].ToArray());

    /// <summary>False for a record too short to be a message (a peer's garbage is ignored, not fatal).</summary>
    public static bool TryDecode(byte[] rec, out byte kind, out uint clientId, out uint correlationId, out byte[] payload)
    {
        if (rec.Length < HeaderSize)
        {
            (kind, clientId, correlationId, payload) = (0, 0, 0, []);
            return false;
        }
        kind = rec[OffKind];
        clientId = BinaryPrimitives.ReadUInt32LittleEndian(rec.AsSpan(OffClient));
        correlationId = BinaryPrimitives.ReadUInt32LittleEndian(rec.AsSpan(OffCorrelation));
        payload = rec[HeaderSize..];
        return true;
    }
}
