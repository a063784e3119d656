namespace Twinmap;

/// <summary>A write was asked of something opened read-only (e.g. a writable span of a read-only SharedMap).</summary>
public sealed class ReadOnlyException(string message)
    : TwinmapException(TwinmapErrorCode.Permission, message);
