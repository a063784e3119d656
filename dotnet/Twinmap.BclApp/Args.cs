namespace BclApp;

/// <summary>`command key=value ...` on the command line.</summary>
internal static class Args
{
    public static (string Command, Dictionary<string, string> Options) Parse(string[] args)
    {
        var options = new Dictionary<string, string>();
        foreach (string a in args.Skip(1))
        {
            int eq = a.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"expected key=value, got '{a}'");
            options[a[..eq]] = a[(eq + 1)..];
        }
        return (args.Length > 0 ? args[0] : "", options);
    }

    public static string Get(this Dictionary<string, string> o, string key) =>
        o.TryGetValue(key, out var v) ? v : throw new ArgumentException($"missing {key}=...");

    public static int GetInt(this Dictionary<string, string> o, string key, int fallback) =>
        o.TryGetValue(key, out var v) ? int.Parse(v) : fallback;
}
