using Attestation.Core.Caching;

namespace Attestation.Core.Health;

/// <summary>
/// Asks <see cref="Inner"/> at most once per <see cref="ProbeInterval"/> and answers from that probe in between, so that
/// <c>GET /api/health</c>, which load balancers and monitors call often, costs the dependency no more than one call per
/// interval on each instance. A call after the interval waits for the new probe (concurrent calls share it), so an answer
/// is never older than the interval plus one probe.
/// </summary>
public sealed class CachedHealthCheck : IDependencyHealthCheck, IDisposable
{
    /// <summary>How long one probe's answer is served.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(5);

    private readonly RefreshingValue<bool> _probe;

    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public CachedHealthCheck(IDependencyHealthCheck inner, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Inner = inner;
        _probe = new RefreshingValue<bool>(cancellationToken => inner.IsHealthyAsync(cancellationToken), new RefreshingValueOptions
        {
            RefreshInterval = ProbeInterval,
            WaitForReload = true,

            // IsHealthyAsync does not throw for an outage; a probe that throws anyway is not repeated for one interval.
            RetryDelay = ProbeInterval,
        }, timeProvider);
    }

    /// <summary>The check that probes.</summary>
    public IDependencyHealthCheck Inner { get; }

    public string Name => Inner.Name;

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default) =>
        await _probe.GetAsync(cancellationToken).ConfigureAwait(false);

    public void Dispose() => _probe.Dispose();
}
