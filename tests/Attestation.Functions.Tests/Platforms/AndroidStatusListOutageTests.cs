using System.Net;
using System.Security.Cryptography;
using System.Text;
using Attestation.TestSupport;

namespace Attestation.Functions.Tests.Platforms;

/// <summary>Google's list cannot be had and no good copy exists: Android attestation answers 503, nothing is registered.</summary>
public sealed class AndroidStatusListOutageTests
{
    [Fact]
    public async Task WithoutAnyStatusListAnAndroidAttestationIsUnavailable()
    {
        using var root = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        await using var backend = await RunningBackend.StartAsync(settings:
        [
            $"--Attestation:AndroidKey:TestOnlyTrustedRootPublicKeys:0={Convert.ToBase64String(root.ExportSubjectPublicKeyInfo())}",
            $"--Attestation:AndroidKey:StatusListFile={Path.Combine(Path.GetTempPath(), "no-such-status-list-" + Guid.NewGuid().ToString("N") + ".json")}",
        ]);
        var challenge = await backend.ChallengeAsync();
        var chain = new AndroidTestChain(root) { Challenge = Encoding.UTF8.GetBytes(challenge) };

        using var response = await backend.PostAsync("/api/v1/attest", new
        {
            appId = RunningBackend.DemoApp,
            platform = "android-key-attestation",
            challenge,
            evidence = chain.Evidence(),
        });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.True(response.Headers.RetryAfter is not null);
    }
}
