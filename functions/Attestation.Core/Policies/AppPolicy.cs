using System.Security.Cryptography;

namespace Attestation.Core.Policies;

/// <summary>
/// What one app accepts. Platform verifiers read their own section (<see cref="Apple"/>, <see cref="AndroidKey"/>,
/// <see cref="PlayIntegrity"/>, <see cref="DebugTokenHashes"/>) and check it in <c>IEvidenceVerifier.ValidatePolicy</c>.
/// </summary>
public sealed class AppPolicy
{
    public AppPolicy(string appId, IEnumerable<string> platforms, FailureMode failureMode, IEnumerable<byte[]> debugTokenHashes)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        ArgumentNullException.ThrowIfNull(platforms);
        ArgumentNullException.ThrowIfNull(debugTokenHashes);
        AppId = appId;
        Platforms = new HashSet<string>(platforms, StringComparer.Ordinal);
        FailureMode = failureMode;
        DebugTokenHashes = [.. debugTokenHashes];
    }

    public string AppId { get; }

    public IReadOnlySet<string> Platforms { get; }

    public FailureMode FailureMode { get; }

    /// <summary>SHA-256 of each debug token registered for the app; the tokens themselves are never stored.</summary>
    public IReadOnlyList<byte[]> DebugTokenHashes { get; }

    /// <summary>The App Attest section, or null when the app has none.</summary>
    public AppleAppAttestPolicy? Apple { get; init; }

    /// <summary>The Android Key Attestation section, or null when the app has none.</summary>
    public AndroidKeyAttestationPolicy? AndroidKey { get; init; }

    /// <summary>The Play Integrity section, or null when the app has none.</summary>
    public PlayIntegrityPolicy? PlayIntegrity { get; init; }

    public bool IsPlatformEnabled(string platform) => Platforms.Contains(platform);

    /// <summary>
    /// True when <paramref name="debugToken"/> hashes to a registered debug token. Every registered hash is compared in constant
    /// time, so the time taken says nothing about how close a guess was.
    /// </summary>
    public bool IsRegisteredDebugToken(string debugToken)
    {
        ArgumentNullException.ThrowIfNull(debugToken);
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(debugToken));
        var found = false;
        foreach (var registered in DebugTokenHashes)
        {
            found |= CryptographicOperations.FixedTimeEquals(hash, registered);
        }

        return found;
    }
}
