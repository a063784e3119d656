using System.Collections;

// The classes a legacy .NET app shares through a memory-mapped file with BinaryFormatter:
// MyClass (auto-properties, two lists) and a hiking database with GPS tracks.
namespace Twinmap.NrbfApp;

[Serializable]
public class MyClass
{
    public string? MyValueA { get; set; }
    public string? MyValueB { get; set; }
    public List<int>? MyValuesC { get; set; }
    public List<string>? MyValuesD { get; set; }

    public IEnumerable<string> Lines()
    {
        yield return "MyValueA = " + MyValueA;
        yield return "MyValueB = " + MyValueB;
        foreach (int value in MyValuesC ?? []) yield return "MyValuesC = " + value;
        foreach (string value in MyValuesD ?? []) yield return "MyValuesD = " + value;
    }

    public static MyClass Sample() => new()
    {
        MyValueA = "foobar",
        MyValueB = "test",
        MyValuesC = [1, 2, 3],
        MyValuesD = ["foo", "bar"],
    };
}

[Serializable]
public class HikingDatabase
{
    public string? Description;
    public Hike[]? hikes;

    public IEnumerable<string> Lines()
    {
        yield return "Description = " + Description;
        foreach (var h in hikes ?? [])
        {
            yield return $"Hike {h.Date} {h.Description}: {h.GPSTrack?.Length ?? 0} points";
            foreach (var c in h.GPSTrack ?? []) yield return FormattableString.Invariant($"  {c.x} {c.y} {c.z}");
        }
    }

    /// <summary>A database of <paramref name="hikeCount"/> hikes with <paramref name="points"/> GPS points each.</summary>
    public static HikingDatabase Sample(int hikeCount = 3, int points = 4)
    {
        var db = new HikingDatabase { Description = "Trails of the Alps", hikes = new Hike[hikeCount] };
        for (int i = 0; i < hikeCount; i++)
        {
            var track = new Coord[points];
            for (int p = 0; p < points; p++) track[p] = new Coord { x = 7.5 + i + p / 1000.0, y = 46.25 + p / 500.0, z = 1200 + 10 * p };
            db.hikes[i] = new Hike { Date = $"2012-10-{(i % 28) + 1:00}", Description = $"Hike {i}", GPSTrack = track };
        }
        return db;
    }
}

[Serializable]
public class Hike
{
    public string? Date;
    public string? Description;
    public Coord[]? GPSTrack;
}

[Serializable]
public class Coord
{
    public double x;
    public double y;
    public double z;
}
