using System.Collections;
using Legacy.Data;

// The corpus: objects of every shape BinaryFormatter writes, by name. Each is built the same way
// on every call, so a payload read back can be compared with a fresh one.
namespace Twinmap.NrbfApp;

[Serializable]
public class AllPrimitives
{
    public bool Bool;
    public byte Byte;
    public sbyte SByte;
    public short Int16;
    public ushort UInt16;
    public int Int32;
    public uint UInt32;
    public long Int64;
    public ulong UInt64;
    public float Single;
    public double Double;
    public char Char;
    public decimal Decimal;
    public DateTime DateTime;
    public TimeSpan TimeSpan;
}

[Serializable]
public class Floats
{
    public double[] Doubles = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon, double.MaxValue, 0.1];
    public float[] Singles = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0.0f, float.Epsilon, float.MaxValue, 0.1f];
    public double NaN = double.NaN;
    public double NegZero = -0.0;
    public float SingleNaN = float.NaN;
    public float SingleTiny = float.Epsilon;
}

[Serializable]
public class Texts
{
    public string? Empty = "";
    public string? Null;
    public string? Ascii = "foobar";
    public string? Latin = "Grüße, café";
    public string? Cjk = "東京都";
    public string? Emoji = "hiking 🥾 at 🏔️ (non-BMP)";
    public string? Controls = "tab\tnewline\nnul\0end";
    public char Letter = 'A';
    public char Accent = 'é';
    public char Euro = '€';
    public char Nul = '\0';
    public char Last = '\uFFFD';
}

[Serializable]
public class PrimitiveArrays
{
    public bool[] Bools = [true, false, true];
    public byte[] Bytes = [0, 1, 255];
    public sbyte[] SBytes = [sbyte.MinValue, -1, sbyte.MaxValue];
    public short[] Int16s = [short.MinValue, 0, short.MaxValue];
    public ushort[] UInt16s = [0, ushort.MaxValue];
    public int[] Int32s = [int.MinValue, -1, 0, int.MaxValue];
    public uint[] UInt32s = [0, uint.MaxValue];
    public long[] Int64s = [long.MinValue, 0, long.MaxValue];
    public ulong[] UInt64s = [0, ulong.MaxValue];
    public float[] Singles = [float.MinValue, 1.5f];
    public double[] Doubles = [double.MinValue, Math.PI];
    public char[] Chars = ['a', 'é', '€', '\uD83D', '\uDE00', 'z'];
    public decimal[] Decimals = [decimal.MinValue, 1.5m, 0.0001m];
    public DateTime[] Dates = [DateTime.MinValue, new DateTime(2024, 2, 29, 12, 0, 0, DateTimeKind.Utc)];
    public TimeSpan[] Spans = [TimeSpan.MinValue, TimeSpan.FromMilliseconds(1.5)];
    public int[] Empty = [];
}

[Serializable]
public struct Point
{
    public int X;
    public int Y;
}

[Serializable]
public class WithStruct
{
    public string Name = "origin";
    public Point At = new() { X = -3, Y = 4 };
    public Point[] Path = [new() { X = 1, Y = 2 }, new() { X = 3, Y = 4 }];
}

[Serializable]
public class Node
{
    public string? Name;
    public Node? Next;
    public Node? Other;
}

[Serializable]
public class Shared
{
    public Coord? First;
    public Coord? Second;
    public string? Text1;
    public string? Text2;
    public int[]? Numbers1;
    public int[]? Numbers2;
}

public enum Color
{
    Red,
    Green = 5,
    Blue = -1,
}

public enum Big : long
{
    Small = 1,
    Huge = long.MaxValue,
}

[Flags]
public enum Rights : ushort
{
    Read = 1,
    Write = 2,
    All = Read | Write,
}

[Serializable]
public class Enums
{
    public Color Color = Color.Blue;
    public Big Big = Big.Huge;
    public Rights Rights = Rights.All;
    public Tier Tier = Tier.Gold;
    public Color[] Colors = [Color.Red, Color.Green, (Color)42];
    public object Boxed = Color.Green;
}

[Serializable]
public class Dates
{
    public DateTime Unspecified = new(2012, 10, 2, 8, 30, 0, DateTimeKind.Unspecified);
    public DateTime Utc = new(2012, 10, 2, 8, 30, 0, DateTimeKind.Utc);
    public DateTime Local = new(2012, 10, 2, 8, 30, 0, DateTimeKind.Local);
    public DateTime Min = DateTime.MinValue;
    public DateTime Max = DateTime.MaxValue;
    public TimeSpan Span = new(1, 2, 3, 4, 5);
    public TimeSpan Negative = TimeSpan.FromTicks(-1);
}

[Serializable]
public class Decimals
{
    public decimal Max = decimal.MaxValue;
    public decimal Min = decimal.MinValue;
    public decimal Zero = 0m;
    public decimal Scaled = 1.000m;
    public decimal Tiny = 0.0000000000000000000000000001m;
    public decimal Negative = -123.4500m;
    public decimal NegativeZero = -0.0m;
}

[Serializable]
public class Pair<TFirst, TSecond>
{
    public TFirst? First;
    public TSecond? Second;
}

[Serializable]
public class Nullables
{
    public int? Set = 7;
    public int? Unset;
    public DateTime? When = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    public Guid? Id = new Guid("00112233-4455-6677-8899-aabbccddeeff");
    public double? NoDouble;
    public Point? Where = new Point { X = 1, Y = 1 };
}

[Serializable]
public class Base
{
    private int secret = 11;
    protected string shared = "base";
    public int Secret => secret;
}

[Serializable]
public class Derived : Base
{
    private int secret = 22;
    public string Own = "derived";
    public int Mine => secret;
}

public interface IShape;

[Serializable]
public class Circle : IShape
{
    public double Radius = 2.5;
}

[Serializable]
public class Holder
{
    public object? Anything = 12345L;
    public object? Text = "boxed string";
    public object? Struct = new Point { X = 5, Y = 6 };
    public object? Date = new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Utc);
    public object? Money = 9.99m;
    public object? Letter = 'x';
    public object? Nothing;
    public IShape? Shape = new Circle();
    public ValueType? Value = 3.25;
}

[Serializable]
public class Empty;

public static class Shapes
{
    /// <summary>Every shape of the corpus by name; `untyped` ones are written without member type info.</summary>
    public static readonly (string Name, Func<object> Make, bool Untyped)[] All =
    [
        ("boxed-int-root", () => 42, false),
        ("boxed-long-root", () => long.MinValue, false),
        ("boxed-double-root", () => Math.E, false),
        ("boxed-bool-root", () => true, false),
        ("boxed-char-root", () => 'Ω', false),
        ("decimal-root", () => -79228162514264337593543950.335m, false),
        ("datetime-root", () => new DateTime(2026, 12, 7, 1, 2, 3, DateTimeKind.Utc).AddTicks(4567), false),
        ("timespan-root", () => TimeSpan.FromDays(-1.5), false),
        ("string-root", () => "héllo wörld 😀", false),
        ("primitives-max", () => new AllPrimitives
        {
            Bool = true, Byte = byte.MaxValue, SByte = sbyte.MaxValue, Int16 = short.MaxValue, UInt16 = ushort.MaxValue,
            Int32 = int.MaxValue, UInt32 = uint.MaxValue, Int64 = long.MaxValue, UInt64 = ulong.MaxValue,
            Single = float.MaxValue, Double = double.MaxValue, Char = '\uFFFF', Decimal = decimal.MaxValue,
            DateTime = DateTime.MaxValue, TimeSpan = TimeSpan.MaxValue,
        }, false),
        ("primitives-min", () => new AllPrimitives
        {
            Bool = false, Byte = byte.MinValue, SByte = sbyte.MinValue, Int16 = short.MinValue, UInt16 = ushort.MinValue,
            Int32 = int.MinValue, UInt32 = uint.MinValue, Int64 = long.MinValue, UInt64 = ulong.MinValue,
            Single = float.MinValue, Double = double.MinValue, Char = '\0', Decimal = decimal.MinValue,
            DateTime = DateTime.MinValue, TimeSpan = TimeSpan.MinValue,
        }, false),
        ("primitives-untyped", () => new AllPrimitives { Int32 = 5, Double = 0.5, Char = 'c', Decimal = 2.5m, Int64 = -2, DateTime = new DateTime(5, DateTimeKind.Utc) }, true),
        ("floats", () => new Floats(), false),
        ("texts", () => new Texts(), false),
        ("primitive-arrays", () => new PrimitiveArrays(), false),
        ("int-array-root", () => new[] { 1, -2, int.MaxValue }, false),
        ("byte-array-root", () => new byte[] { 0xde, 0xad, 0xbe, 0xef }, false),
        ("string-array-nulls", () => new[] { "a", null, null, "😀", null, "" }, false),
        ("object-array", () => new object?[] { 1, "two", null, 3.0, new Coord { x = 1 }, Color.Green, new DateTime(3, DateTimeKind.Local), (byte)7, 8u, 9.5f }, false),
        ("null-runs", () => Enumerable.Range(0, 600).Select(i => i is 0 or 299 or 599 ? (object)i : null).ToArray(), false),
        ("jagged-int", () => new[] { new[] { 1, 2 }, [], null!, new[] { 3 } }, false),
        ("jagged-string", () => new[] { new[] { "a", null }, new[] { "b" } }, false),
        ("jagged-coord", () => new[] { new[] { new Coord { x = 1 } }, [new Coord { y = 2 }, null!] }, false),
        ("rectangular-int", () => new int[,] { { 1, 2, 3 }, { 4, 5, 6 } }, false),
        ("rectangular-string-3d", () =>
        {
            var a = new string?[2, 2, 2];
            a[0, 0, 0] = "first"; a[1, 1, 1] = "last"; a[0, 1, 0] = "mid";
            return a;
        }, false),
        ("rectangular-object", () => new object?[,] { { 1, "x" }, { null, new Point { X = 9 } } }, false),
        ("lower-bound-array", () =>
        {
            var a = Array.CreateInstance(typeof(int), [3], [5]);
            a.SetValue(50, 5); a.SetValue(60, 6); a.SetValue(70, 7);
            return a;
        }, false),
        ("class-array", () => new[] { new Coord { x = 1, y = 2, z = 3 }, null, new Coord() }, false),
        ("struct", () => new WithStruct(), false),
        ("struct-root", () => new Point { X = 10, Y = -10 }, false),
        ("list-int", () => new List<int> { 1, 2, 3 }, false),
        ("list-string", () => new List<string?> { "foo", null, "bar" }, false),
        ("list-object", () => new List<object?> { 1, "s", null, new Coord() }, false),
        ("list-class", () => new List<Coord> { new() { x = 1 }, new() { y = 2 } }, false),
        ("list-timespan", () => new List<TimeSpan> { TimeSpan.Zero, TimeSpan.FromHours(1) }, false),
        ("list-big", () => Enumerable.Range(0, 10_000).ToList(), false),
        ("dictionary", () => new Dictionary<string, int> { ["one"] = 1, ["two"] = 2, ["three"] = 3 }, false),
        ("dictionary-empty", () => new Dictionary<string, int>(), false),
        ("dictionary-class", () => new Dictionary<int, Coord?> { [1] = new Coord { x = 1 }, [2] = null }, false),
        ("hashset", () => new HashSet<string> { "x", "y", "z" }, false),
        ("hashset-int", () => new HashSet<int> { 3, 1, 2 }, false),
        ("arraylist", () => new ArrayList { 1, "two", null, 3.5, new ArrayList { "inner" } }, false),
        ("hashtable", () => new Hashtable { ["a"] = 1, ["b"] = "bee", [3] = null }, false),
        ("shared-refs", () =>
        {
            var c = new Coord { x = 4 };
            string s = new('s', 3);
            int[] n = [1, 2];
            return new Shared { First = c, Second = c, Text1 = s, Text2 = s, Numbers1 = n, Numbers2 = n };
        }, false),
        ("cycle", () =>
        {
            var a = new Node { Name = "a" };
            var b = new Node { Name = "b", Next = a, Other = a };
            a.Next = b;
            a.Other = a;
            return a;
        }, false),
        ("array-cycle", () =>
        {
            var a = new object?[3];
            a[0] = a;
            a[1] = "self";
            a[2] = new List<object?> { a };
            return a;
        }, false),
        ("deep-list", () =>
        {
            Node head = new() { Name = "0" };
            for (int i = 1; i < 1000; i++) head = new Node { Name = i.ToString(System.Globalization.CultureInfo.InvariantCulture), Next = head };
            return head;
        }, false),
        ("enums", () => new Enums(), false),
        ("enum-root", () => Rights.Write, false),
        ("dates", () => new Dates(), false),
        ("decimals", () => new Decimals(), false),
        ("generic", () => new Pair<int, string> { First = 1, Second = "one" }, false),
        ("generic-nested", () => new Pair<List<int>, Dictionary<string, Coord>>
        {
            First = [7, 8],
            Second = new() { ["home"] = new Coord { z = 500 } },
        }, false),
        ("other-assembly", () => new Customer { Id = 7, Name = "Ada", Home = new Address { Street = "Main St", Zip = 12345 }, Level = Tier.Silver }, false),
        ("other-assembly-list", () => new List<Customer> { new() { Id = 1 }, new() { Id = 2, Level = Tier.Gold } }, false),
        ("nullables", () => new Nullables(), false),
        ("guid-root", () => new Guid("fedcba98-7654-3210-0123-456789abcdef"), false),
        ("inheritance", () => new Derived(), false),
        ("object-fields", () => new Holder(), false),
        ("empty-class", () => new Empty(), false),
        ("myclass", () => MyClass.Sample(), false),
        ("myclass-untyped", () => MyClass.Sample(), true),
        ("hiking-database", () => HikingDatabase.Sample(), false),
    ];
}
