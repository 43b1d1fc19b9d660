using System.Text.Json;
using System.Text.Json.Nodes;
using Attestation.Core.Errors;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.PlayIntegrity;

namespace Attestation.Core.Tests.Platforms.PlayIntegrity;

/// <summary>
/// The verdicts of tests/vectors (SOURCES.md section 3), from Google's documentation and Worldcoin's tests: each read and
/// checked against the requirements, with its documented outcome.
/// </summary>
public class IntegrityVerdictVectorTests
{
    private static readonly JsonElement Docs = PlayIntegrityVectors.Load("play-integrity-verdict-sample-docs.json");
    private static readonly JsonElement Worldcoin = PlayIntegrityVectors.Load("play-integrity-verdict-samples-worldcoin-tests.json");

    [Fact]
    public void TheDocsStandardVerdictPassesWithItsPackageAndHashAtItsOwnInstant()
    {
        var verdict = IntegrityVerdict.Parse(Docs.GetProperty("standardRequestVerdict"));
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1675655009345).AddSeconds(10);

        Requirements("com.package.name", IntegrityRequestKind.Standard, "aGVsbG8gd29scmQgdGhlcmU").Check(verdict, at);

        Assert.Equal(new DateTimeOffset(2023, 2, 6, 3, 43, 29, 345, TimeSpan.Zero), verdict.Timestamp);
        Assert.Equal("NO_ISSUES", verdict.PlayProtectVerdict);
    }

    [Fact]
    public void TheDocsVerdictIsStaleAtTheCurrentDate()
    {
        var verdict = IntegrityVerdict.Parse(Docs.GetProperty("standardRequestVerdict"));

        var refusal = Assert.Throws<AttestationException>(() =>
            Requirements("com.package.name", IntegrityRequestKind.Standard, "aGVsbG8gd29scmQgdGhlcmU").Check(verdict, new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero)));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, refusal.Code);
    }

    [Fact]
    public void TheDocsClassicVariantBindsThroughTheNonceNotTheRequestHash()
    {
        var payload = JsonNode.Parse(Docs.GetProperty("standardRequestVerdict").GetRawText())!.AsObject();
        payload["requestDetails"] = JsonNode.Parse(Docs.GetProperty("classicRequestDetailsVariant").GetRawText());
        var verdict = IntegrityVerdict.Parse(JsonSerializer.SerializeToElement(payload));
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1675655009345);

        Requirements("com.package.name", IntegrityRequestKind.Classic, "aGVsbG8gd29scmQgdGhlcmU").Check(verdict, at);
        var refusal = Assert.Throws<AttestationException>(() => Requirements("com.package.name", IntegrityRequestKind.Standard, "aGVsbG8gd29scmQgdGhlcmU").Check(verdict, at));
        Assert.Equal(AttestationErrorCode.AttestationInvalid, refusal.Code);
    }

    [Theory]
    [InlineData("com.other.app", "aGVsbG8gd29scmQgdGhlcmU", "policy_violation")]
    [InlineData("com.package.name", "another-challenge", "attestation_invalid")]
    public void TheDocsVerdictFailsForAnotherPackageOrHash(string package, string hash, string code)
    {
        var verdict = IntegrityVerdict.Parse(Docs.GetProperty("standardRequestVerdict"));

        var refusal = Assert.Throws<AttestationException>(() =>
            Requirements(package, IntegrityRequestKind.Standard, hash).Check(verdict, DateTimeOffset.FromUnixTimeMilliseconds(1675655009345)));

        Assert.Equal(code, refusal.Code.ToWireName());
    }

    [Fact]
    public void TheDocsPlaceholderDigestMatchesNoAllowList()
    {
        // SOURCES.md: the docs' digest is a placeholder, not 32 bytes; it must never pass a signing-key allow-list.
        var verdict = IntegrityVerdict.Parse(Docs.GetProperty("standardRequestVerdict"));
        var requirements = new IntegrityVerdictRequirements
        {
            PackageName = "com.package.name",
            RequestKind = IntegrityRequestKind.Standard,
            Challenge = "aGVsbG8gd29scmQgdGhlcmU",
            SigningCertificateDigests = [new byte[32]],
        };

        var refusal = Assert.Throws<AttestationException>(() => requirements.Check(verdict, DateTimeOffset.FromUnixTimeMilliseconds(1675655009345)));

        Assert.Equal(AttestationErrorCode.PolicyViolation, refusal.Code);
    }

    [Theory]
    [InlineData("UNRECOGNIZED_VERSION")]
    [InlineData("UNEVALUATED")]
    public void AnAppRecognitionOtherThanPlayRecognizedFailsByDefault(string appRecognition)
    {
        var payload = JsonNode.Parse(Docs.GetProperty("standardRequestVerdict").GetRawText())!.AsObject();
        payload["appIntegrity"]!["appRecognitionVerdict"] = appRecognition;
        var verdict = IntegrityVerdict.Parse(JsonSerializer.SerializeToElement(payload));

        var refusal = Assert.Throws<AttestationException>(() =>
            Requirements("com.package.name", IntegrityRequestKind.Standard, "aGVsbG8gd29scmQgdGhlcmU").Check(verdict, DateTimeOffset.FromUnixTimeMilliseconds(1675655009345)));

        Assert.Equal(AttestationErrorCode.PolicyViolation, refusal.Code);
    }

    [Theory]
    [InlineData("UNLICENSED")]
    [InlineData("UNEVALUATED")]
    public void ALicensingVerdictOtherThanLicensedFailsWhenLicensingIsRequired(string licensing)
    {
        var payload = JsonNode.Parse(Docs.GetProperty("standardRequestVerdict").GetRawText())!.AsObject();
        payload["accountDetails"]!["appLicensingVerdict"] = licensing;
        var verdict = IntegrityVerdict.Parse(JsonSerializer.SerializeToElement(payload));
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1675655009345);
        var requirements = new IntegrityVerdictRequirements
        {
            PackageName = "com.package.name",
            RequestKind = IntegrityRequestKind.Standard,
            Challenge = "aGVsbG8gd29scmQgdGhlcmU",
            RequireLicensed = true,
        };

        var refusal = Assert.Throws<AttestationException>(() => requirements.Check(verdict, at));

        Assert.Equal(AttestationErrorCode.PolicyViolation, refusal.Code);
    }

    [Fact]
    public void TheWorldcoinFullVerdictParsesItsOptionalFields()
    {
        var verdict = IntegrityVerdict.Parse(WorldcoinCase("full-with-optional-fields"));

        Assert.Equal("LEVEL_2", verdict.DeviceActivityLevel);
        Assert.Equal(33, verdict.SdkVersion);
        Assert.Equal("NO_ISSUES", verdict.PlayProtectVerdict);
        Assert.Equal(new DateTimeOffset(2025, 4, 21, 22, 57, 55, 999, TimeSpan.Zero), verdict.Timestamp);
        Assert.Equal(DeviceIntegrityLevel.Strong, verdict.DeviceLevel);
        WorldcoinRequirements().Check(verdict, verdict.Timestamp.AddSeconds(5));
    }

    [Fact]
    public void TheWorldcoinVerdictWithoutOptionalFieldsParsesAndPasses()
    {
        var verdict = IntegrityVerdict.Parse(WorldcoinCase("optional-fields-absent"));

        Assert.Null(verdict.DeviceActivityLevel);
        Assert.Null(verdict.SdkVersion);
        Assert.Null(verdict.PlayProtectVerdict);
        WorldcoinRequirements().Check(verdict, verdict.Timestamp.AddSeconds(5));
    }

    [Fact]
    public void TheWorldcoinUnevaluatedVerdictParsesButFails()
    {
        var now = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        var payload = WorldcoinPayload("unevaluated");
        payload["requestDetails"]!["timestampMillis"] = now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var verdict = IntegrityVerdict.Parse(JsonSerializer.SerializeToElement(payload));

        Assert.Empty(verdict.DeviceRecognitionVerdicts);
        Assert.Null(verdict.AppPackageName);
        var refusal = Assert.Throws<AttestationException>(() => WorldcoinRequirements(withDigest: false).Check(verdict, now));
        Assert.Equal(AttestationErrorCode.PolicyViolation, refusal.Code);
        Assert.Contains("UNEVALUATED", refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void TheWorldcoinNonceMismatchFails()
    {
        var now = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        var payload = WorldcoinPayload("optional-fields-absent");
        payload["requestDetails"]!["timestampMillis"] = now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        payload["environmentDetails"]!["appAccessRiskVerdict"]!["appsDetected"] = new JsonArray("KNOWN_INSTALLED", "UNKNOWN_INSTALLED", "UNKNOWN_CAPTURING");
        var verdict = IntegrityVerdict.Parse(JsonSerializer.SerializeToElement(payload));
        var requirements = new IntegrityVerdictRequirements { PackageName = "com.worldcoin.staging", Challenge = "invalid_nonce", MaxAge = TimeSpan.FromMinutes(10) };

        var refusal = Assert.Throws<AttestationException>(() => requirements.Check(verdict, now));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, refusal.Code);
        Assert.Contains("nonce", refusal.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("full-with-optional-fields")]
    [InlineData("optional-fields-absent")]
    public void AWorldcoinVerdictWithTimestampZeroIsExpired(string name)
    {
        var payload = WorldcoinPayload(name);
        payload["requestDetails"]!["timestampMillis"] = "0";
        var verdict = IntegrityVerdict.Parse(JsonSerializer.SerializeToElement(payload));

        var refusal = Assert.Throws<AttestationException>(() => WorldcoinRequirements().Check(verdict, new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero)));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, refusal.Code);
        Assert.Contains("older", refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void TheWorldcoinDigestMatchesItsHexForm()
    {
        // docs/quirks.md: the verdict's digests are base64url; an allow-list may write the same digest in hex.
        var hex = Convert.ToHexString(Convert.FromBase64String(PlayIntegrityVectors.PadBase64("nSrXEn8JkZKXFMAZW0NHhDRTHNi38YE2XCvVzYXjRu8".Replace('-', '+').Replace('_', '/'))));
        var verdict = IntegrityVerdict.Parse(WorldcoinCase("optional-fields-absent"));
        Assert.True(SigningCertificateDigest.TryParse(hex, out var digest));

        WorldcoinRequirements().Check(verdict, verdict.Timestamp);
        var other = new IntegrityVerdictRequirements
        {
            PackageName = "com.worldcoin.staging",
            Challenge = "i_am_a_sample_request_hash",
            SigningCertificateDigests = [digest.Select(b => (byte)(b ^ 1)).ToArray()],
        };
        Assert.Equal(AttestationErrorCode.PolicyViolation, Assert.Throws<AttestationException>(() => other.Check(verdict, verdict.Timestamp)).Code);
    }

    private static IntegrityVerdictRequirements WorldcoinRequirements(bool withDigest = true)
    {
        Assert.True(SigningCertificateDigest.TryParse("nSrXEn8JkZKXFMAZW0NHhDRTHNi38YE2XCvVzYXjRu8", out var digest));
        return new IntegrityVerdictRequirements
        {
            PackageName = "com.worldcoin.staging",
            RequestKind = IntegrityRequestKind.Classic,
            Challenge = "i_am_a_sample_request_hash",
            MaxAge = TimeSpan.FromMinutes(10),
            SigningCertificateDigests = withDigest ? [digest] : [],
            MinimumDeviceLevel = DeviceIntegrityLevel.Device,
            RequireLicensed = true,
        };
    }

    private static IntegrityVerdictRequirements Requirements(string package, IntegrityRequestKind kind, string challenge) => new()
    {
        PackageName = package,
        RequestKind = kind,
        Challenge = challenge,
        MaxAge = TimeSpan.FromMinutes(5),
        MinimumDeviceLevel = DeviceIntegrityLevel.Device,
    };

    private static JsonElement WorldcoinCase(string name) =>
        Worldcoin.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("payload");

    private static JsonObject WorldcoinPayload(string name) => JsonNode.Parse(WorldcoinCase(name).GetRawText())!.AsObject();
}
