using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace Twinmap.Peer.Commands;

/// <summary>
/// The .NET half of `npm run demo`, written the way an unmodified .NET app is: BCL only. Opens the named
/// mutex with <c>new Mutex(false, name)</c> and the map Node created (Linux: the file
/// <c>/dev/shm/&lt;name&gt;</c> via <c>MemoryMappedFile.CreateFromFile</c>, since the BCL refuses named
/// maps there; Windows: <c>MemoryMappedFile.OpenExisting(name)</c>). Under the mutex it writes
/// TestData with Marshal.StructureToPtr + accessor.WriteArray ("wrote"); after a stdin line it
/// reads it back with ReadArray + Marshal.PtrToStructure ("read"); after another it adds 1 to the
/// Int32 at offset 48 <c>rounds</c> times, each under the mutex ("counted").
/// Args: mutex=M (name=N | path=P) [rounds=R].
/// </summary>
public sealed class DemoCommand : IPeerCommand
{
    public string Name => "demo";

    /// <summary>The demo app's struct, as a .NET app declares it (48 bytes: Id, Age, ten scores).</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 1, CharSet = CharSet.Ansi)]
    public struct TestData // nested: the generated Twinmap TestData codec lives elsewhere in this program
    {
        public int Id;
        public int Age;

        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 0x0A)]
        public int[] Scores;

        public TestData()
        {
            Id = 0;
            Age = 0;
            Scores = new int[10];
        }

        public override readonly string ToString() => $"Id={Id},Age={Age},Scores={string.Join(",", Scores)}";
    }

    public int Run(PeerArgs args, PeerIO io)
    {
        string mutexName = args.Get("mutex");
        using var mutex = new Mutex(false, mutexName);
        MemoryMappedFile file;
        string how;
        if (args.Has("path"))
        {
            file = MemoryMappedFile.CreateFromFile(args.Get("path"), FileMode.Open);
            how = $"MemoryMappedFile.CreateFromFile(\"{args.Get("path")}\")";
        }
        else
        {
#pragma warning disable CA1416 // the demo passes name= only on Windows
            file = MemoryMappedFile.OpenExisting(args.Get("name"));
#pragma warning restore CA1416
            how = $"MemoryMappedFile.OpenExisting(\"{args.Get("name")}\")";
        }
        using (file)
        using (var accessor = file.CreateViewAccessor())
        {
            io.Emit("opened", new { how, mutex = $"new Mutex(false, \"{mutexName}\")", runtime = Environment.Version.ToString() });

            var data = new TestData { Id = 100, Age = 20 };
            for (int i = 0; i < 10; i++) data.Scores[i] = i + 60;
            mutex.WaitOne();
            try
            {
                WriteMemoryWithStruct(accessor, data);
            }
            finally
            {
                mutex.ReleaseMutex();
            }
            io.Emit("wrote", new { text = data.ToString() });

            if (io.WaitLine() is null) return 0;
            TestData seen;
            mutex.WaitOne();
            try
            {
                seen = ReadMemoryWithStruct(accessor);
            }
            finally
            {
                mutex.ReleaseMutex();
            }
            io.Emit("read", new { text = seen.ToString() });

            if (io.WaitLine() is null) return 0;
            int rounds = args.GetInt("rounds", 10000);
            for (int i = 0; i < rounds; i++)
            {
                mutex.WaitOne();
                accessor.Write(48, accessor.ReadInt32(48) + 1);
                mutex.ReleaseMutex();
            }
            io.Emit("counted", new { rounds });
        }
        return 0;
    }

    // As a .NET app writes a struct (WriteMemoryWithStruct): struct -> unmanaged copy -> byte[] -> accessor.WriteArray.
    private static void WriteMemoryWithStruct(MemoryMappedViewAccessor accessor, TestData data)
    {
        int len = Marshal.SizeOf<TestData>();
        byte[] bytes = new byte[len];
        IntPtr p = Marshal.AllocHGlobal(len);
        try
        {
            Marshal.StructureToPtr(data, p, false);
            Marshal.Copy(p, bytes, 0, len);
            accessor.WriteArray(0, bytes, 0, bytes.Length);
        }
        finally
        {
            Marshal.FreeHGlobal(p);
        }
    }

    // As a .NET app reads it back (ReadMemoryWithStruct): accessor.ReadArray -> unmanaged copy -> PtrToStructure.
    private static TestData ReadMemoryWithStruct(MemoryMappedViewAccessor accessor)
    {
        int len = Marshal.SizeOf<TestData>();
        byte[] bytes = new byte[len];
        IntPtr p = Marshal.AllocHGlobal(len);
        try
        {
            accessor.ReadArray(0, bytes, 0, bytes.Length);
            Marshal.Copy(bytes, 0, p, len);
            return Marshal.PtrToStructure<TestData>(p);
        }
        finally
        {
            Marshal.FreeHGlobal(p);
        }
    }
}
