using System.Text.Json;

namespace BclApp;

/// <summary>One JSON object per stdout line; one stdin line per step the test takes.</summary>
internal static class Report
{
    public static void Emit(string name, object? fields = null)
    {
        var line = new Dictionary<string, object?> { ["event"] = name };
        if (fields != null)
            foreach (var p in fields.GetType().GetProperties()) line[p.Name] = p.GetValue(fields);
        Console.Out.WriteLine(JsonSerializer.Serialize(line));
        Console.Out.Flush();
    }

    public static string WaitLine() => Console.In.ReadLine() ?? throw new EndOfStreamException("stdin closed");

    public static int Fail(string type, string message)
    {
        Emit("error", new { type, message });
        return 1;
    }
}
