using Attestation.Core.Errors;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// Fetches the bytes of Google's Android attestation status list (the JSON of
/// https://android.googleapis.com/attestation/status, or a local copy of it). An adapter implements it: Core opens no
/// socket and reads no file; <see cref="CachedAndroidAttestationStatusSource"/> parses, caches and falls back.
/// </summary>
public interface IAndroidStatusListFetcher
{
    /// <summary>The list's bytes as published, not parsed.</summary>
    /// <exception cref="DependencyUnavailableException">
    /// The list cannot be had (network failure, an HTTP error, a timeout, a missing or unreadable file): every transport
    /// failure is translated into this type, so that the cache can fall back to its last good copy.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<byte[]> FetchAsync(CancellationToken cancellationToken = default);
}
