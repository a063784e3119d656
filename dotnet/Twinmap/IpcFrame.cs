using System.Buffers.Binary;

namespace Twinmap;

/// <summary>The IPC message header (formats/ipc_message.ksy): 16 bytes before the payload, as in ts/ipc/frame.ts.</summary>
internal static class IpcFrame
{
    public const int HeaderSize = 16;
    public const byte Hello = 1, Bye = 2, Message = 3, Request = 4, Response = 5, Error = 6;

    public static byte[] Encode(byte kind, uint clientId, uint correlationId, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[HeaderSize + payload.Length];
        Write(frame, kind, clientId, correlationId, payload);
        return frame;
    }

    /// <summary>Writes a frame into <paramref name="frame"/>, which is exactly HeaderSize + payload bytes.</summary>
    public static void Write(Span<byte> frame, byte kind, uint clientId, uint correlationId, ReadOnlySpan<byte> payload)
    {
        frame[..HeaderSize].Clear();
        frame[0] = kind;
        BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], clientId);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[8..], correlationId);
        payload.CopyTo(frame[HeaderSize..]);
    }

    /// <summary>False for a record too short to be a message (a peer's garbage is ignored, not fatal).</summary>
    public static bool TryDecode(byte[] rec, out byte kind, out uint clientId, out uint correlationId, out byte[] payload)
    {
        if (rec.Length < HeaderSize)
        {
            (kind, clientId, correlationId, payload) = (0, 0, 0, []);
            return false;
        }
        kind = rec[0];
        clientId = BinaryPrimitives.ReadUInt32LittleEndian(rec.AsSpan(4));
        correlationId = BinaryPrimitives.ReadUInt32LittleEndian(rec.AsSpan(8));
        payload = rec[HeaderSize..];
        return true;
    }
}
