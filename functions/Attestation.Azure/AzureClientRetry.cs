using Azure.Core;

namespace Attestation.Azure;

/// <summary>
/// Retry settings for every Azure client of the backend: few, quick retries. A request waiting on an outage should fail
/// fast with 503 and Retry-After, not hang for the SDK's default backoff and 100-second network timeout.
/// </summary>
public static class AzureClientRetry
{
    public static void ApplyFastFailure(RetryOptions retry)
    {
        ArgumentNullException.ThrowIfNull(retry);
        retry.MaxRetries = 2;
        retry.Delay = TimeSpan.FromMilliseconds(100);
        retry.MaxDelay = TimeSpan.FromSeconds(1);
        retry.NetworkTimeout = TimeSpan.FromSeconds(10);
    }
}
