using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace Twinmap;

/// <summary>
/// The kernel32 calls twinmap's Windows paths make themselves, the same calls the Node addon
/// makes (native/win32/), so both sides name and use the same objects: the side-car section,
/// the futex semaphores and the process checks. Thin imports, nothing more.
/// </summary>
[SupportedOSPlatform("windows")]
internal static unsafe class Kernel32
{
    public const int ErrorFileNotFound = 2;
    public const int ErrorAccessDenied = 5;
    public const int ErrorInvalidHandle = 6;
    public const int ErrorInvalidParameter = 87;
    public const int ErrorAlreadyExists = 183;
    public const int ErrorTooManyPosts = 298;

    public const uint WaitObject0 = 0, WaitTimeout = 0x102, WaitFailed = 0xffffffff;
    public const uint Infinite = 0xffffffff;

    public const uint PageReadWrite = 0x04;
    public const uint FileMapWrite = 0x0002, FileMapRead = 0x0004;
    public const uint Synchronize = 0x00100000, ProcessQueryLimitedInformation = 0x1000;

    [DllImport("kernel32", SetLastError = true, CharSet = CharSet.Unicode)]
    public static extern SafeWaitHandle CreateSemaphoreW(IntPtr attributes, int initial, int maximum, string name);

    [DllImport("kernel32", SetLastError = true)]
    public static extern bool ReleaseSemaphore(SafeWaitHandle handle, int count, out int previous);

    [DllImport("kernel32", SetLastError = true)]
    public static extern uint WaitForSingleObject(SafeWaitHandle handle, uint milliseconds);

    [DllImport("kernel32", SetLastError = true, CharSet = CharSet.Unicode)]
    public static extern SafeFileHandle CreateFileMappingW(IntPtr file, IntPtr attributes, uint protect, uint sizeHigh, uint sizeLow, string name);

    [DllImport("kernel32", SetLastError = true)]
    public static extern void* MapViewOfFile(SafeFileHandle section, uint access, uint offsetHigh, uint offsetLow, nuint bytes);

    [DllImport("kernel32", SetLastError = true)]
    public static extern bool UnmapViewOfFile(void* address);

    [DllImport("kernel32", SetLastError = true)]
    public static extern SafeProcessHandle OpenProcess(uint access, bool inherit, int pid);

    [DllImport("kernel32", SetLastError = true)]
    public static extern bool GetProcessTimes(SafeProcessHandle process, out long creation, out long exit, out long kernel, out long user);

    [DllImport("kernel32")]
    public static extern IntPtr GetCurrentProcess();

    [DllImport("kernel32", EntryPoint = "GetProcessTimes", SetLastError = true)]
    public static extern bool GetProcessTimesRaw(IntPtr process, out long creation, out long exit, out long kernel, out long user);

    [DllImport("kernel32", EntryPoint = "WaitForSingleObject", SetLastError = true)]
    public static extern uint WaitForProcess(SafeProcessHandle handle, uint milliseconds);

    /// <summary>A FILETIME (100 ns since 1601) as ms since the Unix epoch, as native/win32/process.cc computes it.</summary>
    public static ulong UnixMs(long fileTime) => (ulong)fileTime / 10000 - 11644473600000UL;
}
