using Attestation.Core.Errors;
using Attestation.Core.Telemetry;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// Leaked-keybox detection (issue 14): counts the distinct attested keys of every factory batch certificate, records the
/// count (<c>attestation.android.batch_certificate.devices</c>), and refuses a key counted beyond the app's
/// <see cref="AndroidKeyAttestationPolicy.MaximumDevicesPerBatchCertificate"/>. Remotely provisioned chains never get here:
/// their intermediates are per device.
/// </summary>
/// <remarks>
/// The rule compares the key's ordinal, fixed when it was first counted, with the limit, not the certificate's current
/// count: the (N+1)th distinct key is refused, and so is every attempt of it again, while the first N keys stay
/// admitted however many keys the keybox vouches for later (another app, or a retry after a failure, attests them again).
/// A refused key is still counted: the count is what tells an operator how far a leak has spread, and a key the limit
/// refuses is exactly the kind of key it should show.
/// </remarks>
public sealed class AndroidBatchCertificateLimit(IAndroidBatchCertificateStore store, AttestationMetrics metrics, TimeProvider timeProvider)
{
    /// <summary>Counts the attested key under its batch certificate and applies the app's limit.</summary>
    /// <exception cref="AttestationException"><c>policy_violation</c> when the key was counted beyond the limit.</exception>
    /// <exception cref="DependencyUnavailableException">Storage cannot be reached.</exception>
    public async Task AdmitAsync(string appId, AndroidKeyAttestationPolicy policy, AndroidBatchCertificate certificate, string keyId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentException.ThrowIfNullOrEmpty(keyId);

        var count = await store.CountKeyAsync(certificate, keyId, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        metrics.RecordBatchCertificateDevices(appId, count.Devices);
        if (policy.MaximumDevicesPerBatchCertificate is { } maximum && count.Ordinal > maximum)
        {
            // The limit itself is not named: it would tell a keybox's holder how many devices it may still fake.
            throw new AttestationException(AttestationErrorCode.PolicyViolation, "The device's factory batch certificate has attested more devices than the app allows.");
        }
    }
}
