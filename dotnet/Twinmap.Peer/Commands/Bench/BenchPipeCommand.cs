using System.Buffers.Binary;
using System.IO.Pipes;

namespace Twinmap.Peer.Commands;

/// <summary>
/// The bench's named-pipe baseline: what a .NET app would do without twinmap. A
/// <see cref="NamedPipeServerStream"/> (on Linux a Unix socket at /tmp/CoreFxPipe_{name}) carrying
/// length-prefixed records ([u32 LE length][payload]). Each connection starts with one mode byte:
/// 'e' echo every record back (round trips), 's' sink records and answer a zero-length record with
/// [u64 records][u64 bytes] (one-way throughput), 'i' idle until the client closes.
///   Twinmap.Peer bench-pipe name=NAME
/// Runs until killed.
/// </summary>
public sealed class BenchPipeCommand : IPeerCommand
{
    public string Name => "bench-pipe";

    public int Run(PeerArgs args, PeerIO io)
    {
        string name = args.Get("name");
        // The usual .NET server shape: one instance waits for the next client while earlier
        // ones are served on their own threads (on Unix the socket file lives while any instance does).
        var waiting = NewServer(name);
        io.Emit("ready", new
        {
            pid = Environment.ProcessId,
            dotnet = Environment.Version.ToString(),
            path = Path.Combine(Path.GetTempPath(), "CoreFxPipe_" + name),
        });
        for (;;)
        {
            waiting.WaitForConnection();
            var connected = waiting;
            waiting = NewServer(name);
            new Thread(() =>
            {
                using (connected)
                {
                    try
                    {
                        Serve(connected);
                    }
                    catch (IOException)
                    {
                        // The client went away mid-record.
                    }
                }
            }) { IsBackground = true, Name = "bench-pipe client" }.Start();
        }
    }

    private static NamedPipeServerStream NewServer(string name) =>
        new(name, PipeDirection.InOut, NamedPipeServerStream.MaxAllowedServerInstances, PipeTransmissionMode.Byte, PipeOptions.None, 1 << 16, 1 << 16);

    private static void Serve(NamedPipeServerStream pipe)
    {
        // Reads are buffered (what a careful user does); writes go straight to the pipe.
        using var reader = new BufferedStream(pipe, 1 << 16);
        int mode = reader.ReadByte();
        var header = new byte[4];
        var buffer = new byte[1 << 16];
        var frame = new byte[4 + (1 << 16)];
        long records = 0, bytes = 0;
        while (ReadAll(reader, header))
        {
            int length = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(header));
            if (length > buffer.Length) buffer = new byte[length];
            if (!ReadAll(reader, buffer.AsSpan(0, length))) return;
            switch (mode)
            {
                case 'e':
                    if (frame.Length < 4 + length) frame = new byte[4 + length];
                    header.CopyTo(frame, 0);
                    buffer.AsSpan(0, length).CopyTo(frame.AsSpan(4));
                    pipe.Write(frame, 0, 4 + length);
                    pipe.Flush();
                    break;
                case 's' when length == 0:
                    var totals = new byte[16];
                    BinaryPrimitives.WriteInt64LittleEndian(totals, records);
                    BinaryPrimitives.WriteInt64LittleEndian(totals.AsSpan(8), bytes);
                    pipe.Write(totals);
                    pipe.Flush();
                    records = bytes = 0;
                    break;
                case 's':
                    records++;
                    bytes += length;
                    break;
                default:
                    throw new InvalidDataException($"bench-pipe: unknown mode byte {mode}");
            }
        }
    }

    /// <summary>Fills <paramref name="into"/>; false if the stream ended before the first byte.</summary>
    private static bool ReadAll(Stream s, Span<byte> into)
    {
        if (into.Length == 0) return true;
        int n = s.Read(into);
        if (n == 0) return false;
        s.ReadExactly(into[n..]);
        return true;
    }
}
