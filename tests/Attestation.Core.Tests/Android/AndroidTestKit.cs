using System.Text.Json;
using Attestation.Core.Apps;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Android;
using Attestation.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Core.Tests.Android;

/// <summary>A verifier that trusts one generated test root, at a pinned instant, and the demo app's policy.</summary>
internal static class AndroidTestKit
{
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static AndroidKeyAttestationVerifier Verifier(AndroidTestChain chain, AttestationStatusList? statusList = null) =>
        new(
            new AttestationChainVerifier([new AttestationRootKey("test", chain.RootKey.ExportSubjectPublicKeyInfo())]),
            new FixedAttestationStatusSource(statusList ?? AttestationStatusList.Empty),
            new FakeTimeProvider(Now));

    public static AndroidKeyAttestationPolicy Policy()
    {
        var policy = new AndroidKeyAttestationPolicy { PackageName = "com.contoso.demo" };
        policy.SigningCertificateDigests.Add(Convert.ToHexString(AndroidTestChain.DemoSigningDigest));
        return policy;
    }

    /// <summary>Verifies <paramref name="chain"/> (challenge "challenge") and returns "ok" or the refusal's wire code and detail.</summary>
    public static async Task<(string Code, string Detail)> VerifyAsync(AndroidTestChain chain, AndroidKeyAttestationPolicy? policy = null, AttestationStatusList? statusList = null, DateTimeOffset? at = null)
    {
        try
        {
            await Verifier(chain, statusList).VerifyAsync(chain.Build(), chain.Challenge, policy ?? Policy(), at ?? Now, new AndroidKeyAttestationFacts());
            return ("ok", string.Empty);
        }
        catch (AttestationException e)
        {
            return (e.Code.ToWireName(), e.Detail);
        }
    }

    public static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value);
}
