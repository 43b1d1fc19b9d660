namespace Attestation.Core.Platforms.Android;

/// <summary>
/// The distinct attested keys seen under each factory batch certificate, across apps (a keybox is a fact about devices,
/// not about an app).
/// </summary>
public interface IAndroidBatchCertificateStore
{
    /// <summary>
    /// Counts <paramref name="keyId"/> under <paramref name="certificate"/> once: the first call for a key gives it the next
    /// ordinal, every later call (another app, a retry after a failure) answers the ordinal it got. Correct under concurrent
    /// calls: no two keys share an ordinal and the count equals the keys counted.
    /// </summary>
    /// <param name="certificate">The batch certificate.</param>
    /// <param name="keyId">The attested key's id (the device id).</param>
    /// <param name="at">Now, for the certificate's first and last seen.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="Errors.DependencyUnavailableException">Storage cannot be reached, or the count kept changing under every retry.</exception>
    Task<AndroidBatchCertificateCount> CountKeyAsync(AndroidBatchCertificate certificate, string keyId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>A page of the batch certificates with at least <paramref name="minDevices"/> keys counted, in no particular order.</summary>
    /// <exception cref="Errors.AttestationException"><c>invalid_request</c> for a continuation this listing did not return.</exception>
    /// <exception cref="Errors.DependencyUnavailableException">Storage cannot be reached.</exception>
    Task<AndroidBatchCertificatePage> ListAsync(long minDevices, int pageSize, string? continuation, CancellationToken cancellationToken = default);
}
