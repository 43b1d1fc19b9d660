namespace Attestation.Core.Health;

/// <summary>One dependency's answer to "are you reachable?", for <c>GET /api/health</c>.</summary>
public interface IDependencyHealthCheck
{
    /// <summary>The dependency's name, for logs.</summary>
    string Name { get; }

    /// <summary>True when the dependency answers. Never throws for an outage.</summary>
    Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default);
}
