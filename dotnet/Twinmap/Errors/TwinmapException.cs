namespace Twinmap;

/// <summary>Base of every error twinmap throws; <see cref="Code"/> is a <see cref="TwinmapErrorCode"/>.</summary>
public class TwinmapException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
