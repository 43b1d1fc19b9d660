namespace Attestation.Core.Verification;

/// <summary>Maps platform names to their verifier (one per platform, as fido2-net-lib maps attestation formats).</summary>
public sealed class EvidenceVerifierCatalog
{
    private readonly Dictionary<string, IEvidenceVerifier> _verifiers;

    public EvidenceVerifierCatalog(IEnumerable<IEvidenceVerifier> verifiers)
    {
        ArgumentNullException.ThrowIfNull(verifiers);
        _verifiers = new Dictionary<string, IEvidenceVerifier>(StringComparer.Ordinal);
        foreach (var verifier in verifiers)
        {
            if (!_verifiers.TryAdd(verifier.Platform, verifier))
            {
                throw new InvalidOperationException($"Two evidence verifiers are registered for platform '{verifier.Platform}'.");
            }
        }

        var missing = Platforms.All.Where(p => !_verifiers.ContainsKey(p)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"No evidence verifier is registered for: {string.Join(", ", missing)}.");
        }
    }

    /// <summary>The verifier of a platform that <see cref="Platforms.IsKnown"/> accepts.</summary>
    public IEvidenceVerifier For(string platform) =>
        _verifiers.TryGetValue(platform, out var verifier)
            ? verifier
            : throw new ArgumentOutOfRangeException(nameof(platform), platform, "Unknown platform.");
}
