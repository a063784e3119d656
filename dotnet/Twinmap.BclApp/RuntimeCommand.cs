using System.Runtime.InteropServices;

namespace BclApp;

/// <summary>runtime: which .NET runs this app, and whether it was published with .NET 11's
/// switch that puts plain named mutexes back in the machine-wide tree.</summary>
internal static class RuntimeCommand
{
    private const string GlobalScopeSwitch = "System.Threading.Mutex.UnsafeDefaultMutexScopeGlobal";

    public static int Run()
    {
        bool? globalScope = AppContext.TryGetSwitch(GlobalScopeSwitch, out bool on) ? on : null;
        Report.Emit("runtime", new
        {
            framework = RuntimeInformation.FrameworkDescription,
            version = Environment.Version.ToString(),
            globalScope,
            pid = Environment.ProcessId,
        });
        return 0;
    }
}
