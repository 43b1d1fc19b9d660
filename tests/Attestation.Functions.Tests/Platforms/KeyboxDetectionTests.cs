using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Functions.Tests.Telemetry;
using Attestation.TestSupport;

namespace Attestation.Functions.Tests.Platforms;

/// <summary>
/// Leaked-keybox detection end to end (issue 14): distinct attested keys are counted per factory batch certificate across
/// apps, an app's <c>maximumDevicesPerBatchCertificate</c> refuses the keys counted beyond it, remotely provisioned chains
/// are exempt, and operators see the counts in the admin API and the metric.
/// </summary>
public sealed class KeyboxDetectionTests(KeyboxBackendFixture fixture) : IClassFixture<KeyboxBackendFixture>
{
    private const string BatchCertificates = "/api/v1/admin/batch-certificates";
    private const string Metric = "attestation.android.batch_certificate.devices";
    private readonly RunningBackend _backend = fixture.Backend;

    [Fact]
    public async Task TheLimitRefusesTheKeyCountedBeyondItAndEveryAttemptOfItAgain()
    {
        var first = NewFactoryChain();
        var second = first.SameBatch();
        var third = first.SameBatch();

        await AssertAttestedAsync(KeyboxBackendFixture.LimitedApp, first);
        await AssertAttestedAsync(KeyboxBackendFixture.LimitedApp, second);
        using (var refused = await AttestAsync(KeyboxBackendFixture.LimitedApp, third))
        {
            var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden, "policy_violation");
            Assert.Contains("batch certificate", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // The refused key was counted (the count shows how far a leak spread), and stays refused.
        using (var again = await AttestAsync(KeyboxBackendFixture.LimitedApp, third))
        {
            await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Forbidden, "policy_violation");
        }

        Assert.Equal(3, (await ListedAsync(first)).GetProperty("devices").GetInt64());
    }

    [Fact]
    public async Task KeysAreCountedAcrossAppsAndAKeyCountedWithinTheLimitIsAdmittedLater()
    {
        // Three keys of one batch attest to an app without a limit: all counted, all admitted.
        var first = NewFactoryChain();
        var second = first.SameBatch();
        var third = first.SameBatch();
        foreach (var chain in new[] { first, second, third })
        {
            await AssertAttestedAsync(RunningBackend.DemoApp, chain);
        }

        // At the limited app the first key, counted second-to-none, is admitted; the third, counted beyond the limit, is
        // refused; a fourth, new, too.
        await AssertAttestedAsync(KeyboxBackendFixture.LimitedApp, first);
        using (var beyond = await AttestAsync(KeyboxBackendFixture.LimitedApp, third))
        {
            await ProblemAssert.IsProblemAsync(beyond, HttpStatusCode.Forbidden, "policy_violation");
        }

        using (var fourth = await AttestAsync(KeyboxBackendFixture.LimitedApp, first.SameBatch()))
        {
            await ProblemAssert.IsProblemAsync(fourth, HttpStatusCode.Forbidden, "policy_violation");
        }

        Assert.Equal(4, (await ListedAsync(first)).GetProperty("devices").GetInt64());
    }

    [Fact]
    public async Task ADecoyAppAnswersAKeyBeyondTheLimitWithADecoyToken()
    {
        var first = NewFactoryChain();
        await AssertAttestedAsync(KeyboxBackendFixture.LimitedDecoyApp, first);
        await AssertAttestedAsync(KeyboxBackendFixture.LimitedDecoyApp, first.SameBatch());

        using var beyond = await AttestAsync(KeyboxBackendFixture.LimitedDecoyApp, first.SameBatch());

        Assert.Equal(HttpStatusCode.OK, beyond.StatusCode);
        var decoy = (await RunningBackend.ReadJsonAsync(beyond)).GetProperty("token").GetString()!;
        Assert.False((await _backend.VerifyAsync(decoy)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task RemotelyProvisionedChainsAreNeitherCountedNorRefused()
    {
        var first = NewFactoryChain(caSubject: "CN=Droid CA2, O=Google LLC");
        var chains = new[] { first, first.SameBatch(), first.SameBatch() };

        foreach (var chain in chains)
        {
            await AssertAttestedAsync(KeyboxBackendFixture.LimitedApp, chain);
        }

        Assert.Null(await FindListedAsync(first));
        var device = await DeviceAnswerAsync(chains[0]);
        Assert.Equal(JsonValueKind.Null, device.GetProperty("androidKey").GetProperty("batchCertificateSha256").ValueKind);
    }

    [Fact]
    public async Task TheAdminApiListsTheBatchCertificateAndTheDeviceAnswerNamesIt()
    {
        var first = NewFactoryChain();
        await AssertAttestedAsync(RunningBackend.DemoApp, first);
        await AssertAttestedAsync(RunningBackend.DemoApp, first.SameBatch());

        var listed = await ListedAsync(first, minDevices: 2);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(first.BatchCertificate));
        Assert.Equal(sha256, listed.GetProperty("sha256").GetString());
        Assert.Equal(AndroidTestChain.BatchSubject, listed.GetProperty("subject").GetString());
        Assert.True(listed.TryGetProperty("firstSeen", out _));
        Assert.True(listed.TryGetProperty("lastSeen", out _));
        Assert.Null(await FindListedAsync(first, minDevices: 3));

        var device = await DeviceAnswerAsync(first);
        Assert.Equal(sha256, device.GetProperty("androidKey").GetProperty("batchCertificateSha256").GetString());
    }

    [Fact]
    public async Task EveryAttestationOfAFactoryChainRecordsItsBatchCertificatesCountAndOthersRecordNone()
    {
        using var metrics = new MetricsRecorder(_backend);
        var first = NewFactoryChain();
        await AssertAttestedAsync(RunningBackend.DemoApp, first);
        await AssertAttestedAsync(KeyboxBackendFixture.LimitedApp, first.SameBatch());
        using (var debug = await _backend.AttestDebugAsync())
        {
            Assert.Equal(HttpStatusCode.OK, debug.StatusCode);
        }

        Assert.Equal([1.0], metrics.Of(Metric, ("app", RunningBackend.DemoApp)).Select(m => m.Value));
        Assert.Equal([2.0], metrics.Of(Metric, ("app", KeyboxBackendFixture.LimitedApp)).Select(m => m.Value));
    }

    [Theory]
    [InlineData("minDevices=0")]
    [InlineData("minDevices=-1")]
    [InlineData("minDevices=many")]
    [InlineData("pageSize=0")]
    [InlineData("pageSize=1001")]
    [InlineData("continuation=not*a*token")]
    public async Task AMalformedListingIs400(string query)
    {
        using var response = await fixture.AdminAsync(HttpMethod.Get, $"{BatchCertificates}?{query}");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task TheListingNeedsTheAdminRole()
    {
        using var anonymous = await fixture.SendAsync(HttpMethod.Get, BatchCertificates, token: null);
        using var reader = await fixture.SendAsync(HttpMethod.Get, BatchCertificates, fixture.Token("Some.Other.Role"));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
    }

    // Pinned: a device's chain is the same bytes at every attestation, and so its batch certificate's SHA-256.
    private AndroidTestChain NewFactoryChain(string? caSubject = null)
    {
        var chain = new AndroidTestChain(fixture.TestRootKey);
        chain.CaSubject = caSubject ?? chain.CaSubject;
        return chain.Pin();
    }

    private async Task<HttpResponseMessage> AttestAsync(string appId, AndroidTestChain chain)
    {
        var challenge = await _backend.ChallengeAsync(appId);
        chain.Challenge = Encoding.UTF8.GetBytes(challenge);
        return await _backend.PostAsync("/api/v1/attest", new { appId, platform = "android-key-attestation", challenge, evidence = chain.Evidence() });
    }

    private async Task AssertAttestedAsync(string appId, AndroidTestChain chain)
    {
        using var response = await AttestAsync(appId, chain);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!;
        Assert.True((await _backend.VerifyAsync(token)).GetProperty("valid").GetBoolean());
    }

    private async Task<JsonElement> DeviceAnswerAsync(AndroidTestChain chain)
    {
        var deviceId = Convert.ToBase64String(SHA256.HashData(chain.LeafPublicKey)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        using var response = await fixture.AdminAsync(HttpMethod.Get, $"/api/v1/admin/devices/{deviceId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await RunningBackend.ReadJsonAsync(response)).GetProperty("registrations")[0];
    }

    private async Task<JsonElement> ListedAsync(AndroidTestChain chain, int minDevices = 1) =>
        await FindListedAsync(chain, minDevices) ?? throw new Xunit.Sdk.XunitException("The batch certificate is not listed.");

    private async Task<JsonElement?> FindListedAsync(AndroidTestChain chain, int minDevices = 1)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(chain.BatchCertificate));
        string? continuation = null;
        do
        {
            var query = $"{BatchCertificates}?minDevices={minDevices}&pageSize=1000" + (continuation is null ? "" : $"&continuation={continuation}");
            using var response = await fixture.AdminAsync(HttpMethod.Get, query);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await RunningBackend.ReadJsonAsync(response);
            foreach (var certificate in page.GetProperty("batchCertificates").EnumerateArray())
            {
                if (certificate.GetProperty("sha256").GetString() == sha256)
                {
                    return certificate;
                }
            }

            continuation = page.TryGetProperty("continuation", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (continuation is not null);

        return null;
    }
}
