using System.Security.Cryptography;
using System.Text;

namespace Attestation.Core.Platforms.Apple;

/// <summary>
/// The App ID App Attest binds every key to: <c>TEAMID.bundleId</c>, whose SHA-256 is the rpIdHash of each attestation and
/// assertion (Apple's "Verify the attestation", step 6; "Verify the assertion", step 4).
/// </summary>
public static class AppleAppId
{
    /// <summary>The App ID of an app's Apple section; null when its team id or bundle id is missing.</summary>
    public static string? Of(AppleAppAttestPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy is { TeamId: { Length: > 0 } team, BundleId: { Length: > 0 } bundle } ? $"{team}.{bundle}" : null;
    }

    /// <summary>True when <paramref name="rpIdHash"/> is SHA-256 of <paramref name="appId"/> (compared in constant time).</summary>
    internal static bool IsRpIdHashOf(byte[] rpIdHash, string appId) =>
        CryptographicOperations.FixedTimeEquals(rpIdHash, SHA256.HashData(Encoding.UTF8.GetBytes(appId)));
}
