namespace Legacy.Data;

/// <summary>A class from another assembly than the program that serializes it.</summary>
[Serializable]
public class Customer
{
    public int Id;
    public string? Name;
    public Address? Home;
    public Tier Level;
}

[Serializable]
public struct Address
{
    public string Street;
    public int Zip;
}

public enum Tier : byte
{
    Bronze = 1,
    Silver = 2,
    Gold = 3,
}
