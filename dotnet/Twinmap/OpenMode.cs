namespace Twinmap;

/// <summary>How a named object is opened.</summary>
public enum OpenMode
{
    Create,
    Open,
    OpenOrCreate,
}
