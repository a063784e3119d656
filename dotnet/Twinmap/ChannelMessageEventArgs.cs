namespace Twinmap;

/// <summary>One record delivered by <see cref="Channel.Received"/>.</summary>
public sealed class ChannelMessageEventArgs(byte[] data) : EventArgs
{
    public byte[] Data { get; } = data;
}
