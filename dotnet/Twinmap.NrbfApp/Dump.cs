using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using System.Text.Json.Nodes;

namespace Twinmap.NrbfApp;

/// <summary>
/// A JSON dump of an object graph, written from the live .NET objects by reflection over the
/// members BinaryFormatter serializes. The Node side writes the same dump from what it decoded
/// (interop-tests/nrbf/dump.ts); the two must be equal.
///   null, bool, 8-32-bit integers as JSON; "s:" string, "c:" char code (hex), "l:" 64-bit integer,
///   "d:"/"f:" double/single as hex bits (or NaN), "m:" decimal text, "t:ticks:kind" DateTime,
///   "ts:ticks" TimeSpan, "g:" Guid; {"$boxed"} a primitive in an object-typed slot; {"$enum"};
///   {"$array", "items"}; {"$list"}/{"$set"}/{"$map"} for the BCL collections; {"$type", "members"}
///   for classes and structs; "$id"/"$ref" for reference objects met more than once.
/// </summary>
public sealed class Dump
{
    private readonly Dictionary<object, int> _seen = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<object, int> _ids = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<object> _counted = new(ReferenceEqualityComparer.Instance);
    private readonly bool _sortUnordered;
    private int _nextId;

    private Dump(bool sortUnordered) => _sortUnordered = sortUnordered;

    /// <summary>sortUnordered: Hashtable entries sorted (its order changes when rebuilt).</summary>
    public static JsonNode? Of(object? root, bool sortUnordered = false)
    {
        var d = new Dump(sortUnordered);
        d.Count(root);
        return d.Value(root, typeof(object));
    }

    private static bool Tracked(object o) => o is not string && !o.GetType().IsValueType;

    private void Count(object? root)
    {
        var stack = new Stack<object?>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            object? o = stack.Pop();
            if (o is null || !Tracked(o) && !o.GetType().IsValueType) continue;
            if (Tracked(o))
            {
                _seen[o] = _seen.GetValueOrDefault(o) + 1;
                if (!_counted.Add(o)) continue;
            }
            foreach (var child in Children(o)) stack.Push(child);
        }
    }

    private static IEnumerable<object?> Children(object o)
    {
        switch (o)
        {
            case string:
                yield break;
            case IDictionary dict:
                foreach (DictionaryEntry e in dict) { yield return e.Key; yield return e.Value; }
                yield break;
            case Array a:
                foreach (var x in a) yield return x;
                yield break;
            case IEnumerable e when IsList(o.GetType()) || IsSet(o.GetType()):
                foreach (var x in e) yield return x;
                yield break;
        }
        var t = o.GetType();
        if (t.IsPrimitive || t.IsEnum || o is decimal or DateTime or TimeSpan or Guid) yield break;
        foreach (var m in FormatterServices.GetSerializableMembers(t))
            yield return ((System.Reflection.FieldInfo)m).GetValue(o);
    }

    private static bool IsList(Type t) => t == typeof(ArrayList) || t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>);
    private static bool IsSet(Type t) => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(HashSet<>);

    private static string Strip(string name) => name.IndexOf('[') is int i and >= 0 ? name[..i] : name;

    private JsonNode? Value(object? o, Type declared)
    {
        if (o is null) return null;
        var t = o.GetType();
        if (t.IsPrimitive || o is decimal or DateTime or TimeSpan)
        {
            var scalar = Scalar(o);
            return declared == t ? scalar : new JsonObject { ["$boxed"] = t.Name, ["value"] = scalar };
        }
        if (o is string s) return "s:" + s;
        if (o is Guid g) return "g:" + g.ToString();
        if (t.IsEnum)
        {
            object raw = Convert.ChangeType(o, Enum.GetUnderlyingType(t), CultureInfo.InvariantCulture);
            return new JsonObject { ["$enum"] = t.FullName, ["value"] = Scalar(raw) };
        }
        if (Tracked(o) && _seen.GetValueOrDefault(o) > 1 && _ids.TryGetValue(o, out int refId))
            return new JsonObject { ["$ref"] = refId };
        var node = new JsonObject();
        if (Tracked(o) && _seen.GetValueOrDefault(o) > 1)
        {
            _ids[o] = _nextId;
            node["$id"] = _nextId++;
        }
        switch (o)
        {
            case Array a:
            {
                var lengths = new JsonArray();
                var lower = new JsonArray();
                bool offset = false;
                for (int d = 0; d < a.Rank; d++)
                {
                    lengths.Add(a.GetLength(d));
                    lower.Add(a.GetLowerBound(d));
                    offset |= a.GetLowerBound(d) != 0;
                }
                node["$array"] = lengths;
                if (offset) node["lower"] = lower;
                var items = new JsonArray();
                foreach (var x in a) items.Add(Value(x, t.GetElementType()!));
                node["items"] = items;
                return node;
            }
            case IDictionary dict:
            {
                Type kt = typeof(object), vt = typeof(object);
                if (t.IsGenericType) (kt, vt) = (t.GetGenericArguments()[0], t.GetGenericArguments()[1]);
                node["$map"] = Strip(t.FullName!);
                var entries = new List<JsonNode>();
                foreach (DictionaryEntry e in dict) entries.Add(new JsonArray(Value(e.Key, kt), Value(e.Value, vt)));
                if (_sortUnordered && o is Hashtable) entries.Sort((x, y) => string.CompareOrdinal(x.ToJsonString(), y.ToJsonString()));
                node["entries"] = new JsonArray([.. entries]);
                return node;
            }
            case IEnumerable e when IsList(t) || IsSet(t):
            {
                Type et = t.IsGenericType ? t.GetGenericArguments()[0] : typeof(object);
                node[IsSet(t) ? "$set" : "$list"] = Strip(t.FullName!);
                var items = new JsonArray();
                foreach (var x in e) items.Add(Value(x, et));
                node["items"] = items;
                return node;
            }
        }
        node["$type"] = Strip(t.FullName!);
        var members = new JsonObject();
        foreach (var m in FormatterServices.GetSerializableMembers(t))
        {
            var f = (System.Reflection.FieldInfo)m;
            members[m.Name] = Value(f.GetValue(o), f.FieldType);
        }
        node["members"] = members;
        return node;
    }

    private static JsonNode Scalar(object o) => o switch
    {
        bool b => b,
        byte b => b,
        sbyte b => b,
        short b => b,
        ushort b => b,
        int b => b,
        uint b => b,
        long l => "l:" + l.ToString(CultureInfo.InvariantCulture),
        ulong l => "l:" + l.ToString(CultureInfo.InvariantCulture),
        float f => float.IsNaN(f) ? "f:NaN" : "f:" + BitConverter.SingleToUInt32Bits(f).ToString("x8", CultureInfo.InvariantCulture),
        double d => double.IsNaN(d) ? "d:NaN" : "d:" + BitConverter.DoubleToUInt64Bits(d).ToString("x16", CultureInfo.InvariantCulture),
        char c => "c:" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
        decimal m => "m:" + m.ToString(CultureInfo.InvariantCulture),
        DateTime t => $"t:{t.Ticks}:{(int)t.Kind}",
        TimeSpan s => $"ts:{s.Ticks}",
        _ => throw new ArgumentException($"not a scalar: {o.GetType()}"),
    };
}
