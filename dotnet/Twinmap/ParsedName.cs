using System.Text;

namespace Twinmap;

/// <summary>A validated name: what it was, its scope, and the part after the prefix.</summary>
/// <param name="Original">The name as given (what Windows passes to the kernel).</param>
/// <param name="Scope">Global for a <c>Global\</c> prefix, otherwise Session.</param>
/// <param name="Base">The name without its prefix: the file name on Linux.</param>
public sealed record ParsedName(string Original, NameScope Scope, string Base)
{
    /// <summary>
    /// Checks a name with .NET's named-mutex rules, applied to every named object so one name
    /// works for a mapping, a mutex, an event and a channel (the same rules as ts/names.ts):
    /// case-sensitive <c>Global\</c>/<c>Local\</c> prefix; base of 1..255 UTF-8 bytes with no
    /// '/', '\', NUL, not "." and no "..".
    /// </summary>
    /// <exception cref="InvalidNameException">the name is refused; the message says why.</exception>
    public static ParsedName Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0) throw new InvalidNameException(name, "the name is empty");
        var scope = NameScope.Session;
        var baseName = name;
        if (name.StartsWith(GlobalPrefix, StringComparison.Ordinal))
        {
            scope = NameScope.Global;
            baseName = name[GlobalPrefix.Length..];
        }
        else if (name.StartsWith(LocalPrefix, StringComparison.Ordinal))
        {
            baseName = name[LocalPrefix.Length..];
        }

        if (baseName.Length == 0) throw new InvalidNameException(name, "nothing follows the prefix");
        int slash = baseName.IndexOf('\\');
        if (slash >= 0)
        {
            throw new InvalidNameException(name, ReferenceEquals(baseName, name)
                ? $"bad prefix \"{baseName[..(slash + 1)]}\": only \"Local\\\" and \"Global\\\" are allowed, and they are case-sensitive"
                : "'\\' is not allowed after the prefix");
        }
        if (baseName.Contains('/')) throw new InvalidNameException(name, "'/' is not allowed in a name");
        if (baseName.Contains('\0')) throw new InvalidNameException(name, "NUL is not allowed in a name");
        if (baseName == "." || baseName.Contains("..", StringComparison.Ordinal))
            throw new InvalidNameException(name, "'.' alone and '..' are not allowed in a name");
        int bytes = Encoding.UTF8.GetByteCount(baseName);
        if (bytes > MaxNameBytes)
            throw new InvalidNameException(name, $"too long: {bytes} UTF-8 bytes after the prefix, at most {MaxNameBytes}");
        return new ParsedName(name, scope, baseName);
    }

    /// <summary>The longest base name, in UTF-8 bytes (.NET's and Linux's NAME_MAX).</summary>
    public const int MaxNameBytes = 255;

    private const string GlobalPrefix = "Global\\";
    private const string LocalPrefix = "Local\\";
}
