using System.IO.MemoryMappedFiles;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Twinmap.Examples.Formats;
using Twinmap.Formats;

namespace Twinmap.Peer.Commands;

/// <summary>
/// Moves the sample records between Node and .NET through a file mapping, with the generated C# codecs
/// (dotnet/Twinmap/Formats for JsonRecord, examples/dotnet/Formats for the sample records). The map holds a u32 count at offset 0, then the records back to back.
///   codec file=P type=T mode=decode         → reads the records Node wrote, emits them as JSON
///   codec file=P type=T mode=encode json=H  → encodes the records (hex of a JSON array) into the map
///   codec file=P mode=write-struct json=H   → TestData via MemoryMappedViewAccessor.Write&lt;T&gt;, as a .NET app does
///   codec file=P mode=read-struct           → TestData via MemoryMappedViewAccessor.Read&lt;T&gt;
/// With map=NAME instead of file=P, the map is twinmap's named SharedMap (SharedMap.Open).
/// A record that fails to decode is reported as an 'error' event with its field path and offset.
/// </summary>
public sealed class CodecCommand : IPeerCommand
{
    public string Name => "codec";

    public int Run(PeerArgs args, PeerIO io)
    {
        string mode = args.Get("mode");
        string type = args.Get("type", "TestData");
        using var named = args.Has("map") ? SharedMap.Open(args.Get("map")) : null;
        using var file = named is null ? MemoryMappedFile.CreateFromFile(args.Get("file"), FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite) : null;
        using var ownAccessor = file?.CreateViewAccessor();
        var accessor = named?.Accessor ?? ownAccessor!;
        switch (mode)
        {
            case "decode":
            {
                var bytes = new byte[accessor.Capacity];
                accessor.ReadArray(0, bytes, 0, bytes.Length);
                int count = BitConverter.ToInt32(bytes, 0);
                var values = new JsonArray();
                int offset = 4;
                try
                {
                    for (int i = 0; i < count; i++)
                    {
                        values.Add(Decode(type, bytes.AsSpan(offset), out int read));
                        offset += read;
                    }
                }
                catch (DecodeException e)
                {
                    io.Emit("error", new { type = "DecodeException", message = e.Message, code = e.Code, fieldPath = e.FieldPath, offset = e.Offset + offset });
                    return 1;
                }
                io.Emit("decoded", new { values, bytes = offset });
                return 0;
            }
            case "encode":
            {
                var list = JsonNode.Parse(Encoding.UTF8.GetString(args.GetHex("json")))!.AsArray();
                var bytes = new byte[accessor.Capacity];
                int offset = 4;
                foreach (var node in list) offset += EncodeInto(type, node!, bytes.AsSpan(offset));
                BitConverter.TryWriteBytes(bytes, list.Count);
                accessor.WriteArray(0, bytes, 0, offset);
                accessor.Flush();
                io.Emit("encoded", new { count = list.Count, bytes = offset });
                return 0;
            }
            case "write-struct":
            {
                var list = JsonNode.Parse(Encoding.UTF8.GetString(args.GetHex("json")))!.AsArray();
                for (int i = 0; i < list.Count; i++)
                {
                    var v = ToTestData(list[i]!);
                    accessor.Write(4 + i * TestData.SIZE, ref v);
                }
                accessor.Write(0, list.Count);
                accessor.Flush();
                io.Emit("written", new { count = list.Count });
                return 0;
            }
            case "read-struct":
            {
                int count = accessor.ReadInt32(0);
                var values = new JsonArray();
                for (int i = 0; i < count; i++)
                {
                    accessor.Read(4 + i * TestData.SIZE, out TestData v);
                    values.Add(FromTestData(v));
                }
                io.Emit("read", new { values });
                return 0;
            }
            default:
                throw new ArgumentException($"unknown mode '{mode}'");
        }
    }

    private static JsonNode Decode(string type, ReadOnlySpan<byte> source, out int read) => type switch
    {
        "MyDataStructure" => FromMyData(MyDataStructure.Decode(source, out read)),
        "TestData" => FromTestData(TestData.Decode(source, out read)),
        "ImageData" => FromImage(ImageData.Decode(source, out read)),
        "HikingDatabase" => FromHiking(HikingDatabase.Decode(source, out read)),
        "JsonRecord" => new JsonObject { ["json"] = JsonRecord.Decode(source, out read).Json },
        _ => throw new ArgumentException($"unknown type '{type}'"),
    };

    private static int EncodeInto(string type, JsonNode v, Span<byte> target) => type switch
    {
        "MyDataStructure" => new MyDataStructure { MyValueA = (int)v["myValueA"]!, MyValueB = (int)v["myValueB"]! }.EncodeInto(target),
        "TestData" => ToTestData(v).EncodeInto(target),
        "ImageData" => new ImageData { Path = (string)v["path"]!, Image = Convert.FromHexString((string)v["image"]!) }.EncodeInto(target),
        "HikingDatabase" => ToHiking(v).EncodeInto(target),
        "JsonRecord" => new JsonRecord { Json = (string)v["json"]! }.EncodeInto(target),
        _ => throw new ArgumentException($"unknown type '{type}'"),
    };

    private static JsonObject FromMyData(MyDataStructure v) => new() { ["myValueA"] = v.MyValueA, ["myValueB"] = v.MyValueB };

    private static JsonObject FromTestData(TestData v)
    {
        var scores = new JsonArray();
        foreach (int s in (ReadOnlySpan<int>)v.Scores) scores.Add(s);
        return new JsonObject { ["id"] = v.Id, ["age"] = v.Age, ["scores"] = scores };
    }

    private static TestData ToTestData(JsonNode v)
    {
        var t = new TestData { Id = (int)v["id"]!, Age = (int)v["age"]! };
        var scores = v["scores"]!.AsArray();
        for (int i = 0; i < 10; i++) t.Scores[i] = (int)scores[i]!;
        return t;
    }

    private static JsonObject FromImage(ImageData v) => new() { ["path"] = v.Path, ["image"] = Convert.ToHexString(v.Image).ToLowerInvariant() };

    private static JsonObject FromHiking(HikingDatabase v) => new()
    {
        ["description"] = v.Description,
        ["hikes"] = new JsonArray(v.Hikes.Select(h => (JsonNode)new JsonObject
        {
            ["date"] = h.Date,
            ["description"] = h.Description,
            ["gpsTrack"] = new JsonArray(h.GpsTrack.Select(c => (JsonNode)new JsonObject { ["x"] = c.X, ["y"] = c.Y, ["z"] = c.Z }).ToArray()),
        }).ToArray()),
    };

    private static HikingDatabase ToHiking(JsonNode v) => new()
    {
        Description = (string)v["description"]!,
        Hikes = v["hikes"]!.AsArray().Select(h => new Hike
        {
            Date = (string)h!["date"]!,
            Description = (string)h["description"]!,
            GpsTrack = h["gpsTrack"]!.AsArray().Select(c => new Coord { X = (double)c!["x"]!, Y = (double)c["y"]!, Z = (double)c["z"]! }).ToArray(),
        }).ToArray(),
    };
}
