namespace Attestation.Core.Caching;

/// <summary>
/// Values computed from an exact byte string (a certificate's DER, a SubjectPublicKeyInfo), kept for the byte strings seen
/// most recently: the one shape of every in-process cache of a pure computation here (imported public keys, verified
/// certificate signatures). It holds at most <see cref="Capacity"/> entries, so a flood of distinct keys evicts older
/// entries and never grows memory; the least recently used entry goes first.
/// </summary>
/// <remarks>
/// Only facts that depend on nothing but the key's bytes belong here: never an answer that depends on the time, a policy or
/// any other input of the call. Keys are compared by content with a per-process randomized hash (<see cref="HashCode"/>),
/// so chosen keys cannot pile into one bucket; the comparison is not constant-time, which is fine for public data only.
/// Safe for concurrent use: one lock guards the table, and values are created outside it. An evicted value that is
/// <see cref="IDisposable"/> is disposed.
/// </remarks>
/// <typeparam name="TValue">The value; it is handed to every caller, so it must be immutable or safe for concurrent use.</typeparam>
public sealed class BoundedCache<TValue>
    where TValue : class
{
    private readonly Lock _gate = new();
    private readonly Dictionary<byte[], LinkedListNode<Entry>> _entries;
    private readonly Dictionary<byte[], LinkedListNode<Entry>>.AlternateLookup<ReadOnlySpan<byte>> _bySpan;

    // Most recently used first.
    private readonly LinkedList<Entry> _recency = new();

    /// <param name="capacity">The most entries held (at least 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public BoundedCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _entries = new Dictionary<byte[], LinkedListNode<Entry>>(capacity, ByteStringComparer.Instance);
        _bySpan = _entries.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>The most entries held.</summary>
    public int Capacity { get; }

    /// <summary>The entries held now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The value held for <paramref name="key"/>, if any.</summary>
    public bool TryGet(ReadOnlySpan<byte> key, out TValue value)
    {
        lock (_gate)
        {
            if (_bySpan.TryGetValue(key, out var node))
            {
                Touch(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = null!;
        return false;
    }

    /// <summary>
    /// The value held for <paramref name="key"/>, or the one <paramref name="create"/> makes from a copy of the key, which is
    /// then held. A value whose creation throws is not held. Two callers may create a value for the same key at once;
    /// the first one added is kept and returned to both (the other, if disposable, is disposed).
    /// </summary>
    public TValue GetOrAdd(ReadOnlySpan<byte> key, Func<byte[], TValue> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        if (TryGet(key, out var held))
        {
            return held;
        }

        var copy = key.ToArray();
        var created = create(copy);
        return Add(copy, created);
    }

    /// <summary>Holds <paramref name="value"/> for <paramref name="key"/> unless a value is already held, and returns the held one.</summary>
    public TValue GetOrAdd(ReadOnlySpan<byte> key, TValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Add(key.ToArray(), value);
    }

    private TValue Add(byte[] key, TValue value)
    {
        TValue? evicted = null;
        TValue kept;
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                Touch(existing);
                kept = existing.Value.Value;
            }
            else
            {
                if (_entries.Count >= Capacity)
                {
                    var oldest = _recency.Last!;
                    _recency.RemoveLast();
                    _entries.Remove(oldest.Value.Key);
                    evicted = oldest.Value.Value;
                }

                _entries[key] = _recency.AddFirst(new Entry(key, value));
                kept = value;
            }
        }

        (evicted as IDisposable)?.Dispose();
        if (!ReferenceEquals(kept, value))
        {
            (value as IDisposable)?.Dispose();
        }

        return kept;
    }

    private void Touch(LinkedListNode<Entry> node)
    {
        if (node.Previous is not null)
        {
            _recency.Remove(node);
            _recency.AddFirst(node);
        }
    }

    private sealed record Entry(byte[] Key, TValue Value);

    private sealed class ByteStringComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteStringComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        private static int Hash(ReadOnlySpan<byte> bytes)
        {
            var hash = default(HashCode);
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
    }
}
