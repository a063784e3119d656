namespace Twinmap;

/// <summary>
/// The records one <see cref="Channel.ReceiveViews"/> took: views into the ring, in order, valid
/// until the next receive on that channel handle or its Dispose (writers cannot reuse their bytes
/// until then). <c>foreach (ReadOnlySpan&lt;byte&gt; record in views)</c> or index them.
/// </summary>
public readonly unsafe ref struct ChannelViews
{
    private readonly byte* _ring;
    private readonly int[]? _frames; // per record: its payload's ring offset, then its length

    internal ChannelViews(byte* ring, int[] frames, int count)
    {
        _ring = ring;
        _frames = frames;
        Count = count;
    }

    /// <summary>How many records were taken (0 on timeout).</summary>
    public int Count { get; }

    /// <summary>The record at <paramref name="index"/> (0 .. Count - 1).</summary>
    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"ChannelViews holds {Count} records");
            return new ReadOnlySpan<byte>(_ring + _frames![2 * index], _frames[2 * index + 1]);
        }
    }

    /// <summary>Walks the records in order.</summary>
    public Enumerator GetEnumerator() => new(this);

    /// <summary>The enumerator of <see cref="ChannelViews"/>.</summary>
    public ref struct Enumerator
    {
        private readonly ChannelViews _views;
        private int _i;

        internal Enumerator(ChannelViews views)
        {
            _views = views;
            _i = -1;
        }

        /// <summary>Moves to the next record.</summary>
        public bool MoveNext() => ++_i < _views.Count;

        /// <summary>The current record.</summary>
        public readonly ReadOnlySpan<byte> Current => _views[_i];
    }
}
