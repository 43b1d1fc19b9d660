using System.Security.Cryptography;
using Attestation.Core.Caching;

namespace Attestation.Core.Tests.Caching;

public sealed class BoundedCacheTests
{
    [Fact]
    public void AValueIsCreatedOnceAndReturnedForEqualBytes()
    {
        var cache = new BoundedCache<string>(4);
        var calls = 0;

        var first = cache.GetOrAdd([1, 2, 3], key => $"v{++calls}:{key.Length}");
        var second = cache.GetOrAdd(new byte[] { 1, 2, 3 }, key => $"v{++calls}:{key.Length}");

        Assert.Equal("v1:3", first);
        Assert.Same(first, second);
        Assert.Equal(1, calls);
    }

    [Fact]
    public void TheCachedAnswerIsTheOneComputedWithoutTheCache()
    {
        var cache = new BoundedCache<byte[]>(8);
        var keys = Enumerable.Range(0, 100).Select(i => RandomNumberGenerator.GetBytes(1 + (i % 40))).ToArray();

        foreach (var key in keys.Concat(keys).Concat(keys.Reverse()))
        {
            Assert.Equal(SHA256.HashData(key), cache.GetOrAdd(key, SHA256.HashData));
        }
    }

    [Fact]
    public void BytesThatDifferInOneBitOrInLengthAreNotAHit()
    {
        var cache = new BoundedCache<string>(4);
        cache.GetOrAdd([1, 2, 3], _ => "held");

        Assert.False(cache.TryGet([1, 2, 2], out _));
        Assert.False(cache.TryGet([1, 2, 3, 0], out _));
        Assert.False(cache.TryGet([1, 2], out _));
        Assert.True(cache.TryGet([1, 2, 3], out var held));
        Assert.Equal("held", held);
    }

    [Fact]
    public void AFloodOfDistinctKeysNeverGrowsThePastTheCapacity()
    {
        var cache = new BoundedCache<string>(64);

        for (var i = 0; i < 640; i++)
        {
            cache.GetOrAdd(BitConverter.GetBytes(i), _ => "x");
            Assert.True(cache.Count <= 64);
        }

        Assert.Equal(64, cache.Count);
    }

    [Fact]
    public void TheLeastRecentlyUsedEntryIsEvictedFirst()
    {
        var cache = new BoundedCache<string>(2);
        cache.GetOrAdd([1], _ => "one");
        cache.GetOrAdd([2], _ => "two");
        Assert.True(cache.TryGet([1], out _));

        cache.GetOrAdd([3], _ => "three");

        Assert.True(cache.TryGet([1], out _));
        Assert.False(cache.TryGet([2], out _));
        Assert.True(cache.TryGet([3], out _));
    }

    [Fact]
    public void AnEvictedDisposableValueIsDisposed()
    {
        var cache = new BoundedCache<Disposable>(1);
        var first = cache.GetOrAdd([1], _ => new Disposable());

        cache.GetOrAdd([2], _ => new Disposable());

        Assert.True(first.Disposed);
    }

    [Fact]
    public void AValueWhoseCreationThrowsIsNotHeld()
    {
        var cache = new BoundedCache<string>(4);

        Assert.Throws<InvalidOperationException>(() => cache.GetOrAdd([1], _ => throw new InvalidOperationException()));

        Assert.Equal(0, cache.Count);
        Assert.Equal("later", cache.GetOrAdd([1], _ => "later"));
    }

    [Fact]
    public void TheKeyIsCopiedSoThatChangingTheCallersArrayChangesNothing()
    {
        var cache = new BoundedCache<string>(4);
        var key = new byte[] { 1, 2, 3 };
        cache.GetOrAdd(key, _ => "held");

        key[0] = 9;

        Assert.True(cache.TryGet([1, 2, 3], out _));
        Assert.False(cache.TryGet(key, out _));
    }

    [Fact]
    public void ACapacityBelowOneIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BoundedCache<string>(0));

    [Fact]
    public async Task ManyThreadsGetTheValueOfTheirOwnKeyAndTheBoundHolds()
    {
        var cache = new BoundedCache<byte[]>(32);
        var keys = Enumerable.Range(0, 200).Select(i => BitConverter.GetBytes(i * 7919)).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(t => Task.Run(() =>
        {
            var correct = true;
            for (var i = 0; i < 2_000; i++)
            {
                var key = keys[(i * (t + 1)) % keys.Length];
                correct &= cache.GetOrAdd(key, SHA256.HashData).AsSpan().SequenceEqual(SHA256.HashData(key));
            }

            return correct;
        })));

        Assert.All(results, Assert.True);
        Assert.True(cache.Count <= 32);
    }

    private sealed class Disposable : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}
