namespace Twinmap;

/// <summary>A name neither side could accept; <see cref="InvalidName"/> is the name refused.</summary>
public sealed class InvalidNameException(string invalidName, string reason)
    : TwinmapException(TwinmapErrorCode.InvalidName, $"invalid name \"{invalidName}\": {reason}")
{
    public string InvalidName { get; } = invalidName;
}
