using System.Text.Json;

namespace Twinmap.Peer;

/// <summary>The Peer's side of the JSON-lines conversation with a test.</summary>
public sealed class PeerIO(TextWriter output, TextReader input)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
    private readonly object _gate = new(); // not System.Threading.Lock: the Peer also builds for net8.0 and net9.0

    /// <summary>Writes {"event": name, ...fields} as one line and flushes it at once.</summary>
    public void Emit(string name, object? fields = null)
    {
        var line = new Dictionary<string, object?> { ["event"] = name };
        if (fields is not null)
        {
            foreach (var p in JsonSerializer.SerializeToElement(fields, Json).EnumerateObject())
                line[p.Name] = p.Value;
        }
        lock (_gate)
        {
            output.WriteLine(JsonSerializer.Serialize(line, Json));
            output.Flush();
        }
    }

    /// <summary>Blocks until the test sends a line; null when stdin closes (the test is gone).</summary>
    public string? WaitLine() => input.ReadLine();
}
