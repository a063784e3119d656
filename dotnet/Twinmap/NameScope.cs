namespace Twinmap;

/// <summary>Whether a name is per login session (<c>Local\</c> or no prefix) or machine-wide (<c>Global\</c>).</summary>
public enum NameScope
{
    Session,
    Global,
}
