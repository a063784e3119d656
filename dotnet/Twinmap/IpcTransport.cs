namespace Twinmap;

/// <summary>How an <see cref="IpcServer"/> and its clients move messages.</summary>
public enum IpcTransport
{
    /// <summary>twinmap channels in shared memory (the default).</summary>
    Channel,

    /// <summary>A named pipe (on Linux: a Unix socket at &lt;temp&gt;/CoreFxPipe_&lt;name&gt;), one connection per client.</summary>
    NamedPipe,
}
