using Attestation.Core.Caching;

namespace Attestation.Core.Tests.Caching;

/// <summary><see cref="RefreshingValue{T}.Update"/> and the loader that reads on from the value it holds.</summary>
public sealed partial class RefreshingValueTests
{
    [Fact]
    public async Task AnUpdateChangesTheHeldValueAtOnceWithoutALoad()
    {
        using var value = Create();
        await value.GetAsync();

        Assert.True(value.Update(held => held + "+local"));

        Assert.Equal("v1+local", await value.GetAsync());
        Assert.Equal(1, _loader.Calls);
    }

    [Fact]
    public async Task AnUpdateBeforeAnyValueAppliesNothing()
    {
        using var value = Create();

        Assert.False(value.Update(held => held + "+local"));

        Assert.Equal("v1", await value.GetAsync());
    }

    [Fact]
    public async Task AnUpdateMadeWhileALoadRunsIsAppliedToWhatThatLoadReturns()
    {
        using var value = Create();
        await value.GetAsync();
        _loader.Hold();
        var reload = value.ReloadAsync();
        await _loader.WaitForCallsAsync(2);

        value.Update(held => held + "+local");
        Assert.Equal("v1+local", await value.GetAsync());
        _loader.Release();

        Assert.Equal("v2+local", await reload.WaitAsync(Patience));
        Assert.Equal("v2+local", await value.GetAsync());
    }

    [Fact]
    public async Task AnUpdateIsNotAppliedAgainToALoadThatStartsAfterIt()
    {
        using var value = Create();
        await value.GetAsync();
        value.Update(held => held + "+local");

        Assert.Equal("v2", await value.ReloadAsync());
    }

    [Fact]
    public async Task TheLoaderGetsTheValueHeldWhenItStartsAndNullBeforeTheFirst()
    {
        var seen = new List<string?>();
        using var value = new RefreshingValue<string>(
            (held, _) =>
            {
                seen.Add(held);
                return Task.FromResult((held ?? "") + "x");
            },
            new RefreshingValueOptions { RefreshInterval = Interval },
            _clock);

        await value.GetAsync();
        value.Update(held => held + "u");
        await value.ReloadAsync();

        Assert.Equal([null, "xu"], seen);
        Assert.Equal("xux", await value.GetAsync());
    }
}
