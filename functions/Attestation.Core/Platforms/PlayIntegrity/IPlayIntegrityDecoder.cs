namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>Decodes a standard integrity token on Google's servers (only Google holds the keys of standard tokens).</summary>
public interface IPlayIntegrityDecoder
{
    /// <summary>Calls <c>decodeIntegrityToken</c> once for <paramref name="integrityToken"/> and returns the verdict.</summary>
    /// <exception cref="Errors.AttestationException"><c>attestation_invalid</c> when Google refuses the token or returns a malformed verdict.</exception>
    /// <exception cref="Errors.DependencyUnavailableException">Google cannot be reached, refuses the service account, or is over quota.</exception>
    Task<IntegrityVerdict> DecodeAsync(string packageName, string integrityToken, string serviceAccountJson, CancellationToken cancellationToken = default);
}
