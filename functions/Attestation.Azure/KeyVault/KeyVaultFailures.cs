using System.Net.Sockets;
using Azure;
using Azure.Identity;

namespace Attestation.Azure.KeyVault;

/// <summary>What a Key Vault read may throw that means "the vault cannot be used now" (503 <c>unavailable</c>), not a defect (500).</summary>
internal static class KeyVaultFailures
{
    /// <summary>
    /// Answers and credential failures, and the transport's own: a connection reset can leave the SDK as a bare
    /// <see cref="SocketException"/> or <see cref="IOException"/>, neither wrapped in <see cref="RequestFailedException"/>
    /// nor retried. <see cref="InvalidDataException"/> (not an <see cref="IOException"/>) is this adapter's own "no usable version".
    /// </summary>
    internal static bool IsOutage(Exception exception) =>
        exception is RequestFailedException or AggregateException or AuthenticationFailedException or CredentialUnavailableException
            or HttpRequestException or SocketException or IOException or InvalidDataException or OperationCanceledException;
}
