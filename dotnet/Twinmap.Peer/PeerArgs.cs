using System.Globalization;

namespace Twinmap.Peer;

/// <summary>key=value arguments; a missing or malformed one is an ArgumentException naming the key.</summary>
public sealed class PeerArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static PeerArgs Parse(ReadOnlySpan<string> args)
    {
        var parsed = new PeerArgs();
        foreach (var arg in args)
        {
            int eq = arg.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"argument '{arg}' is not key=value");
            parsed._values[arg[..eq]] = arg[(eq + 1)..];
        }
        return parsed;
    }

    public string Get(string key) =>
        _values.TryGetValue(key, out var v) ? v : throw new ArgumentException($"missing argument '{key}='");

    public string Get(string key, string fallback) => _values.GetValueOrDefault(key, fallback);

    public bool Has(string key) => _values.ContainsKey(key);

    public long GetLong(string key) => ParseLong(key, Get(key));

    public long GetLong(string key, long fallback) => _values.TryGetValue(key, out var v) ? ParseLong(key, v) : fallback;

    public int GetInt(string key) => checked((int)GetLong(key));

    public int GetInt(string key, int fallback) => checked((int)GetLong(key, fallback));

    /// <summary>Bytes given as hex, e.g. data=0a0bff.</summary>
    public byte[] GetHex(string key) => Convert.FromHexString(Get(key));

    private static long ParseLong(string key, string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new ArgumentException($"argument '{key}={value}' is not an integer");
}
