using Attestation.LoadTest;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.LoadTest.Tests;

public sealed class RatePacerTests
{
    [Fact]
    public void StartsAreSpacedAtTheRate()
    {
        var time = new FakeTimeProvider();
        var pacer = new RatePacer(100, time);

        Assert.Equal(TimeSpan.Zero, pacer.NextDelay());
        Assert.Equal(10, pacer.NextDelay().TotalMilliseconds, 3);
        Assert.Equal(20, pacer.NextDelay().TotalMilliseconds, 3);
    }

    [Fact]
    public void MissedSlotsAreDroppedNotSentInABurst()
    {
        var time = new FakeTimeProvider();
        var pacer = new RatePacer(100, time);
        pacer.NextDelay();

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.Zero, pacer.NextDelay());
        Assert.Equal(10, pacer.NextDelay().TotalMilliseconds, 3);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void ARateMustBePositive(double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RatePacer(rate, new FakeTimeProvider()));
}
