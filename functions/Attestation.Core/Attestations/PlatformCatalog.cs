using Attestation.Core.Platforms;

namespace Attestation.Core.Attestations;

/// <summary>Maps platform names to their <see cref="AttestationPlatform"/> (one per platform, as fido2-net-lib maps attestation formats).</summary>
public sealed class PlatformCatalog
{
    private readonly Dictionary<string, AttestationPlatform> _platforms;

    /// <exception cref="InvalidOperationException">Two platforms have one name, or a name is not one of <see cref="PlatformNames.All"/>.</exception>
    public PlatformCatalog(IEnumerable<AttestationPlatform> platforms)
    {
        ArgumentNullException.ThrowIfNull(platforms);
        _platforms = new Dictionary<string, AttestationPlatform>(StringComparer.Ordinal);
        foreach (var platform in platforms)
        {
            if (!PlatformNames.IsKnown(platform.Name))
            {
                throw new InvalidOperationException($"'{platform.Name}' is not a platform of docs/api.md.");
            }

            if (!_platforms.TryAdd(platform.Name, platform))
            {
                throw new InvalidOperationException($"Two platforms are registered as '{platform.Name}'.");
            }
        }

        Names = [.. PlatformNames.All.Where(_platforms.ContainsKey)];
        Refreshing = [.. Names.Select(name => _platforms[name]).Where(p => p.SupportsRefresh)];
    }

    /// <summary>The registered platforms' names, in the order of <see cref="PlatformNames.All"/>.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The registered platforms that can refresh, in the order of <see cref="PlatformNames.All"/>.</summary>
    public IReadOnlyList<AttestationPlatform> Refreshing { get; }

    /// <summary>The platform registered as <paramref name="name"/>, or null when none is.</summary>
    public AttestationPlatform? Find(string? name) => name is null ? null : _platforms.GetValueOrDefault(name);
}
