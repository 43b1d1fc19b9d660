using System.Security.Cryptography;

namespace Attestation.Core.Policies;

/// <summary>
/// What one app accepts. Platform verifiers read their own section; sections for App Attest, Key Attestation and Play
/// Integrity are added beside <see cref="DebugTokenHashes"/> by the verifiers that need them.
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
