namespace Twinmap;

/// <summary>Facts about this build of the companion library.</summary>
public static class TwinmapInfo
{
    /// <summary>The library version, the same as the npm package's.</summary>
    public const string Version = "0.1.0";
}
