using Attestation.LoadTest;

namespace Attestation.LoadTest.Tests;

public sealed class PercentilesTests
{
    private static readonly double[] OneToHundred = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();

    [Theory]
    [InlineData(50, 50)]
    [InlineData(95, 95)]
    [InlineData(99, 99)]
    [InlineData(100, 100)]
    [InlineData(0.5, 1)]
    public void NearestRankOfOneToHundredIsThePercentItself(double percent, double expected) =>
        Assert.Equal(expected, Percentiles.NearestRank(OneToHundred, percent));

    [Fact]
    public void NearestRankReportsAnObservedValueNeverAnInterpolation()
    {
        double[] sorted = [10, 20, 30, 40];

        Assert.Equal(20, Percentiles.NearestRank(sorted, 50));
        Assert.Equal(40, Percentiles.NearestRank(sorted, 95));
        Assert.Equal(30, Percentiles.NearestRank(sorted, 75));
        Assert.Equal(40, Percentiles.NearestRank(sorted, 75.1));
    }

    [Fact]
    public void OneValueIsEveryPercentile()
    {
        Assert.Equal(7, Percentiles.NearestRank([7.0], 1));
        Assert.Equal(7, Percentiles.NearestRank([7.0], 99));
    }

    [Fact]
    public void NoValuesHaveNoPercentile() => Assert.Null(Percentiles.NearestRank([], 50));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100.1)]
    public void PercentOutsideZeroToHundredIsRefused(double percent) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.NearestRank(OneToHundred, percent));
}
