namespace Attestation.LoadTest;

/// <summary>Exact percentiles of recorded values by the nearest-rank method: the reported value is one that was observed.</summary>
public static class Percentiles
{
    /// <summary>The smallest value with at least <paramref name="percent"/> % of the values at or below it; null when there are none.</summary>
    /// <param name="sorted">The values in ascending order.</param>
    /// <param name="percent">Greater than 0, at most 100.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percent"/> is outside (0, 100].</exception>
    public static double? NearestRank(IReadOnlyList<double> sorted, double percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (sorted.Count == 0)
        {
            return null;
        }

        // Rank = ceil(p/100 * n), computed in decimal so that 0.95 * 100 is 95, not 95.00000000000001 rounded up to 96.
        var rank = (int)Math.Ceiling((decimal)percent / 100m * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
