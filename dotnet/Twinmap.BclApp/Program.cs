// A .NET app that shares a counter with Node under a named mutex, written the way the .NET
// documentation shows: `new Mutex(false, name)`, WaitOne/ReleaseMutex, AbandonedMutexException,
// and MemoryMappedFile.CreateFromFile for the shared file. Nothing else from .NET or twinmap.
//   Twinmap.BclApp <command> [key=value ...]
// It reports JSON lines on stdout and reads a line on stdin where a test steps it.
using BclApp;

var (command, options) = Args.Parse(args);
try
{
    return command switch
    {
        "runtime" => RuntimeCommand.Run(),
        "count" => CountCommand.Run(options),
        "hold" => HoldCommand.Run(options),
        _ => Report.Fail("usage", $"unknown command '{command}' (runtime, count, hold)"),
    };
}
catch (Exception e)
{
    return Report.Fail(e.GetType().Name, e.Message);
}
