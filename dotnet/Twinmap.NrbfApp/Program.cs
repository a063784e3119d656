// Test-only .NET program that uses BinaryFormatter the way legacy apps do (see the .csproj).
//   write  kind=myclass|hiking (name=N | path=P) mutex=M [size=S] [hikes=H points=P]
//          serializes into the map under the named mutex, reports "written", holds until a stdin line
//   read   kind=myclass|hiking (name=N | path=P) mutex=M [offset=O]
//          deserializes from the map under the mutex into its own class, reports its lines; also
//          decodes the same bytes with NrbfDecoder (the BCL's safe reader) and reports what it saw
//   corpus dir=D        writes D/<shape>.bin (BinaryFormatter) and D/<shape>.json (the dump) for every shape
//   check  dir=D        for every D/<shape>.node.bin: NrbfDecoder must read it, BinaryFormatter must
//                       give back a graph whose dump equals the fresh shape's
//   bench  [hikes=H points=P ms=T objects=N out=F]   NrbfDecoder and BinaryFormatter objects/s on the
//          hiking database (N objects in it); writes the payload to F for the Node side
using System.Diagnostics;
using System.Formats.Nrbf;
using System.IO.MemoryMappedFiles;
using System.Runtime.Serialization.Formatters;
using System.Runtime.Serialization.Formatters.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using Twinmap;
using Twinmap.NrbfApp;

var opts = args.Skip(1).Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
string Arg(string k, string? fallback = null) => opts.TryGetValue(k, out var v) ? v : fallback ?? throw new ArgumentException($"missing {k}=");
JsonSerializerOptions Deep = new() { MaxDepth = 100_000 };
void Emit(object o) => Console.Out.WriteLine(JsonSerializer.Serialize(o));

try
{
    switch (args.FirstOrDefault())
    {
        case "write": Write(); break;
        case "read": Read(); break;
        case "corpus": Corpus(); break;
        case "check": Check(); break;
        case "bench": Bench(); break;
        default: throw new ArgumentException($"unknown command '{args.FirstOrDefault()}'");
    }
    return 0;
}
catch (Exception e)
{
    Emit(new { @event = "error", type = e.GetType().Name, message = e.Message });
    return 1;
}

object Sample(string kind) => kind switch
{
    "myclass" => MyClass.Sample(),
    "hiking" => HikingDatabase.Sample(int.Parse(Arg("hikes", "3")), int.Parse(Arg("points", "4"))),
    _ => throw new ArgumentException($"unknown kind {kind}"),
};

// A view stream over the map: the BCL's MemoryMappedViewStream for a file map (as the apps do);
// for a named map on Linux, where the BCL has no named maps, twinmap's SharedMap under a stream.
(IDisposable owner, Stream stream) OpenStream(bool create, long size)
{
    if (opts.ContainsKey("path"))
    {
        var file = create
            ? MemoryMappedFile.CreateFromFile(Arg("path"), FileMode.Create, null, size)
            : MemoryMappedFile.CreateFromFile(Arg("path"), FileMode.Open);
        return (file, file.CreateViewStream());
    }
    var map = create ? SharedMap.Create(Arg("name"), size) : SharedMap.Open(Arg("name"));
    var h = map.Accessor.SafeMemoryMappedViewHandle;
    return (map, new UnmanagedMemoryStream(h, 0, map.Size, FileAccess.ReadWrite));
}

void Write()
{
    var data = Sample(Arg("kind"));
    using var mutex = new Mutex(false, Arg("mutex"));
    var (owner, stream) = OpenStream(create: true, long.Parse(Arg("size", "65536")));
    using (owner)
    using (stream)
    {
        mutex.WaitOne();
        try
        {
            new BinaryFormatter().Serialize(stream, data);
            Emit(new { @event = "written", length = stream.Position });
        }
        finally
        {
            mutex.ReleaseMutex();
        }
        Console.In.ReadLine();
    }
}

void Read()
{
    using var mutex = new Mutex(false, Arg("mutex"));
    var (owner, stream) = OpenStream(create: false, 0);
    using (owner)
    using (stream)
    {
        mutex.WaitOne();
        try
        {
            stream.Position = long.Parse(Arg("offset", "0"));
            long start = stream.Position;
            object? data = new BinaryFormatter().Deserialize(stream);
            IEnumerable<string> lines = Arg("kind") switch
            {
                "myclass" => ((MyClass)data).Lines(),
                "hiking" => ((HikingDatabase)data).Lines(),
                _ => throw new ArgumentException("kind"),
            };
            stream.Position = start;
            var record = NrbfDecoder.Decode(stream, leaveOpen: true);
            Emit(new { @event = "read", type = data.GetType().FullName, lines = lines.ToArray(), referee = record.TypeName.FullName });
        }
        finally
        {
            mutex.ReleaseMutex();
        }
    }
}

BinaryFormatter Formatter(bool untyped) => new() { TypeFormat = untyped ? FormatterTypeStyle.TypesWhenNeeded : FormatterTypeStyle.TypesAlways };

void Corpus()
{
    string dir = Arg("dir");
    Directory.CreateDirectory(dir);
    foreach (var (name, make, untyped) in Shapes.All)
    {
        var o = make();
        var ms = new MemoryStream();
        Formatter(untyped).Serialize(ms, o);
        File.WriteAllBytes(Path.Combine(dir, name + ".bin"), ms.ToArray());
        File.WriteAllText(Path.Combine(dir, name + ".json"), Dump.Of(o)!.ToJsonString(Deep));
    }
    Emit(new { @event = "corpus", count = Shapes.All.Length });
}

void Check()
{
    string dir = Arg("dir");
    foreach (var (name, make, _) in Shapes.All)
    {
        string path = Path.Combine(dir, name + ".node.bin");
        if (!File.Exists(path)) continue;
        byte[] bytes = File.ReadAllBytes(path);
        string referee;
        try
        {
            var record = NrbfDecoder.Decode(new MemoryStream(bytes));
            referee = "ok " + record.RecordType;
        }
        catch (Exception e)
        {
            referee = $"{e.GetType().Name}: {e.Message}";
        }
        string expected = Dump.Of(make(), sortUnordered: true)!.ToJsonString(Deep);
        string got;
        try
        {
            got = Dump.Of(new BinaryFormatter().Deserialize(new MemoryStream(bytes)), sortUnordered: true)!.ToJsonString(Deep);
        }
        catch (Exception e)
        {
            got = $"{e.GetType().Name}: {e.Message}";
        }
        Emit(new { @event = "check", name, referee, equal = got == expected, got = got == expected ? null : got, expected = got == expected ? null : expected });
    }
}

void Bench()
{
    var db = HikingDatabase.Sample(int.Parse(Arg("hikes", "100")), int.Parse(Arg("points", "100")));
    var ms = new MemoryStream();
    new BinaryFormatter().Serialize(ms, db);
    byte[] bytes = ms.ToArray();
    if (opts.ContainsKey("out")) File.WriteAllBytes(Arg("out"), bytes);
    long objects = Math.Max(1, long.Parse(Arg("objects", "1")));
    double ms0 = double.Parse(Arg("ms", "1000"), System.Globalization.CultureInfo.InvariantCulture);
    double Rate(Action once)
    {
        once();
        var sw = Stopwatch.StartNew();
        long n = 0;
        while (sw.Elapsed.TotalMilliseconds < ms0) { once(); n++; }
        return n * objects / sw.Elapsed.TotalSeconds;
    }
    var result = new JsonObject
    {
        ["event"] = "bench",
        ["bytes"] = bytes.Length,
        ["nrbfDecoder"] = Rate(() => NrbfDecoder.Decode(new MemoryStream(bytes))),
        ["bfDeserialize"] = Rate(() => new BinaryFormatter().Deserialize(new MemoryStream(bytes))),
        ["bfSerialize"] = Rate(() => new BinaryFormatter().Serialize(new MemoryStream(), db)),
    };
    Console.Out.WriteLine(result.ToJsonString());
}
