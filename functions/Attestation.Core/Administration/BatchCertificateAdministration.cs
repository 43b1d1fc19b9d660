using Attestation.Core.Errors;
using Attestation.Core.Platforms.Android;

namespace Attestation.Core.Administration;

/// <summary>
/// What administrators see of leaked-keybox detection: the factory batch certificates of Android chains with the distinct
/// attested keys counted under each (<see cref="AndroidBatchCertificateLimit"/>).
/// </summary>
public sealed class BatchCertificateAdministration(IAndroidBatchCertificateStore store)
{
    /// <summary>A page of the batch certificates with at least <paramref name="minDevices"/> keys counted (1 when null).</summary>
    /// <exception cref="AttestationException"><c>invalid_request</c> (bad minimum, page size or continuation).</exception>
    /// <exception cref="DependencyUnavailableException">Storage cannot be reached.</exception>
    public Task<AndroidBatchCertificatePage> ListAsync(long? minDevices, int? pageSize, string? continuation, CancellationToken cancellationToken = default)
    {
        var minimum = minDevices ?? 1;
        if (minimum < 1)
        {
            throw AttestationException.InvalidRequest("minDevices must be a whole number of at least 1.");
        }

        var size = pageSize ?? DeviceAdministration.DefaultPageSize;
        if (size is < 1 or > DeviceAdministration.MaxPageSize)
        {
            throw AttestationException.InvalidRequest($"pageSize must be 1 to {DeviceAdministration.MaxPageSize}.");
        }

        return store.ListAsync(minimum, size, continuation, cancellationToken);
    }
}
