namespace Twinmap;

/// <summary>One message received by an <see cref="IpcServer"/> or <see cref="IpcClient"/>.</summary>
public sealed class IpcMessageEventArgs(byte[] data, uint clientId) : EventArgs
{
    /// <summary>The payload.</summary>
    public byte[] Data { get; } = data;

    /// <summary>The client it came from (server side) or this client (client side).</summary>
    public uint ClientId { get; } = clientId;

    /// <summary>The payload as UTF-8 text (what an IPC client's <c>Send(string)</c> carries).</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(Data);

    /// <summary>The payload as a JSON record (json_record.ksy, what SendJson/RequestJsonAsync send), deserialized.</summary>
    public T? Json<T>() => System.Text.Json.JsonSerializer.Deserialize<T>(Twinmap.Formats.JsonRecord.Decode(Data).Json);

    /// <summary>A JSON value as a JSON record: the payload of JSON messages (json_record.ksy).</summary>
    public static byte[] JsonPayload<T>(T value) => new Twinmap.Formats.JsonRecord { Json = System.Text.Json.JsonSerializer.Serialize(value) }.Encode();
}
