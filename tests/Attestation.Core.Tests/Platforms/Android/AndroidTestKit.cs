using System.Text.Json;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Android;
using Attestation.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Core.Tests.Platforms.Android;

/// <summary>A verifier that trusts one generated test root, at a pinned instant, and the demo app's policy.</summary>
internal static class AndroidTestKit
{
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static AndroidKeyAttestationVerifier Verifier(AndroidTestChain chain, AndroidAttestationStatusList? statusList = null) =>
        new(
            new AndroidAttestationChainVerifier([new AndroidAttestationRootKey("test", chain.RootKey.ExportSubjectPublicKeyInfo())]),
            new FixedAndroidAttestationStatusSource(statusList ?? AndroidAttestationStatusList.Empty),
            new FakeTimeProvider(Now));

    public static AndroidKeyAttestationPolicy Policy()
    {
        var policy = new AndroidKeyAttestationPolicy { PackageName = "com.contoso.demo" };
        policy.SigningCertificateDigests.Add(Convert.ToHexString(AndroidTestChain.DemoSigningDigest));
        return policy;
    }

    /// <summary>Verifies <paramref name="chain"/> (challenge "challenge") and returns "ok" or the refusal's wire code and detail.</summary>
    public static async Task<(string Code, string Detail)> VerifyAsync(AndroidTestChain chain, AndroidKeyAttestationPolicy? policy = null, AndroidAttestationStatusList? statusList = null, DateTimeOffset? at = null)
    {
        var outcome = await Verifier(chain, statusList).VerifyChainAsync(chain.Build(), chain.Challenge, policy ?? Policy(), at ?? Now);
        return outcome.IsVerified ? ("ok", string.Empty) : (outcome.Refusal.Code.ToWireName(), outcome.Refusal.Detail);
    }

    /// <summary>The refusal of <paramref name="outcome"/>; fails the test when the chain verified.</summary>
    public static AttestationException Refusal(AndroidKeyAttestationOutcome outcome) => Assert.IsType<AttestationException>(outcome.Refusal);

    public static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value);
}
