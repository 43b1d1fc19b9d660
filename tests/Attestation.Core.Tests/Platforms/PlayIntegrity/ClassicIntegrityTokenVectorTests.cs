using System.Text.Json;
using System.Text.Json.Nodes;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.PlayIntegrity;

namespace Attestation.Core.Tests.Platforms.PlayIntegrity;

/// <summary>The synthetic classic tokens of tests/vectors (SOURCES.md section 3), each with its documented outcome.</summary>
public class ClassicIntegrityTokenVectorTests
{
    private static readonly JsonElement Synthetic = PlayIntegrityVectors.Load("play-integrity-synthetic-tokens-worldcoin-testkeys.json");

    public static TheoryData<string> SyntheticCases() => [.. Synthetic.GetProperty("case").GetProperty("tokens").EnumerateArray().Select(t => t.GetProperty("token").GetString()!)];

    [Theory]
    [MemberData(nameof(SyntheticCases))]
    public async Task EverySyntheticTokenHasItsDocumentedOutcome(string tokenPath)
    {
        var testCase = Synthetic.GetProperty("case").GetProperty("tokens").EnumerateArray().Single(t => t.GetProperty("token").GetString() == tokenPath);
        using var keys = SyntheticKeys();
        var token = Synthetic.GetProperty(tokenPath.Split('.')[0]).GetProperty(tokenPath.Split('.')[1]).GetString()!;
        var requirements = new IntegrityVerdictRequirements
        {
            PackageName = testCase.GetProperty("package").GetString(),
            RequestKind = IntegrityRequestKind.Classic,
            Challenge = testCase.GetProperty("nonce").GetString()!,
            MaxAge = TimeSpan.FromMinutes(5),
        };
        var at = DateTimeOffset.Parse(testCase.GetProperty("verifyAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        if (testCase.GetProperty("expectValid").GetBoolean())
        {
            var verdict = await ClassicIntegrityToken.DecryptAndVerifyAsync(token, keys);
            requirements.Check(verdict, at);
        }
        else
        {
            var refusal = await Assert.ThrowsAsync<AttestationException>(async () => requirements.Check(await ClassicIntegrityToken.DecryptAndVerifyAsync(token, keys), at));
            Assert.Equal(testCase.GetProperty("expectCode").GetString(), refusal.Code.ToWireName());
        }
    }

    [Fact]
    public async Task TheValidSyntheticTokenCarriesExactlyTheExpectedPayload()
    {
        using var keys = SyntheticKeys();
        var jws = ClassicIntegrityToken.Decrypt(Synthetic.GetProperty("validToken").GetProperty("integrityToken").GetString()!, keys);
        var payload = await ClassicIntegrityToken.VerifySignatureAsync(jws, keys);

        var expected = JsonNode.Parse(Synthetic.GetProperty("validToken").GetProperty("expectedPayload").GetRawText());
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(payload)));
        Assert.Equal("""{"alg":"ES256"}""", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(PlayIntegrityVectors.PadBase64(jws.Split('.')[0]))));

        var verdict = IntegrityVerdict.Parse(payload);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), verdict.Timestamp);
        Assert.Equal("com.worldcoin.dev", verdict.RequestPackageName);
        Assert.Equal(DeviceIntegrityLevel.Device, verdict.DeviceLevel);
        Assert.Equal("LICENSED", verdict.AppLicensingVerdict);
        Assert.Equal(["KNOWN_INSTALLED", "UNKNOWN_INSTALLED", "UNKNOWN_CAPTURING"], verdict.AppsDetected);
    }

    [Fact]
    public async Task TheTamperedTokenFailsAesGcmAuthentication()
    {
        using var keys = SyntheticKeys();

        var refusal = Assert.Throws<AttestationException>(() => ClassicIntegrityToken.Decrypt(Synthetic.GetProperty("tamperedCiphertextToken").GetProperty("integrityToken").GetString()!, keys));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, refusal.Code);
        Assert.Contains("AES-GCM", refusal.Detail, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task TheWrongSignerTokenDecryptsButItsSignatureDoesNotVerify()
    {
        using var keys = SyntheticKeys();
        var jws = ClassicIntegrityToken.Decrypt(Synthetic.GetProperty("wrongSignerToken").GetProperty("integrityToken").GetString()!, keys);

        var refusal = await Assert.ThrowsAsync<AttestationException>(() => ClassicIntegrityToken.VerifySignatureAsync(jws, keys));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, refusal.Code);
        Assert.Contains("signature", refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheValidSyntheticTokenIsStaleAtTheCurrentDate()
    {
        using var keys = SyntheticKeys();
        var verdict = await ClassicIntegrityToken.DecryptAndVerifyAsync(Synthetic.GetProperty("validToken").GetProperty("integrityToken").GetString()!, keys);
        var requirements = new IntegrityVerdictRequirements { Challenge = "i_am_a_sample_request_hash", MaxAge = TimeSpan.FromMinutes(5) };

        var refusal = Assert.Throws<AttestationException>(() => requirements.Check(verdict, new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero)));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, refusal.Code);
    }

    private static PlayIntegrityKeys SyntheticKeys() => PlayIntegrityKeys.FromBase64(
        Synthetic.GetProperty("case").GetProperty("keys").GetProperty("decryptionKeyBase64").GetString()!,
        Synthetic.GetProperty("case").GetProperty("keys").GetProperty("verificationKeyBase64").GetString()!);
}
