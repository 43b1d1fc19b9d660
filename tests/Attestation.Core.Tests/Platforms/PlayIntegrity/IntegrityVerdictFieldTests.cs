using System.Text.Json;
using System.Text.Json.Nodes;
using Attestation.Core.Platforms.PlayIntegrity;

namespace Attestation.Core.Tests.Platforms.PlayIntegrity;

/// <summary>A verdict's fields as Google gave them: what the offline tool prints as facts (docs/cli.md).</summary>
public class IntegrityVerdictFieldTests
{
    private static readonly JsonElement Worldcoin = PlayIntegrityVectors.Load("play-integrity-verdict-samples-worldcoin-tests.json");

    [Fact]
    public void TheFactsOfAFullVerdictAreItsFieldsAsGoogleGaveThem()
    {
        var payload = Payload("full-with-optional-fields");
        payload["requestDetails"]!["requestHash"] = "aGVsbG8";

        var facts = IntegrityVerdict.Parse(JsonSerializer.SerializeToElement(payload));

        Assert.Equal("com.worldcoin.staging", facts.RequestPackageName);
        Assert.Equal("i_am_a_sample_request_hash", facts.Nonce);
        Assert.Equal("aGVsbG8", facts.RequestHash);
        Assert.Equal(new DateTimeOffset(2025, 4, 21, 22, 57, 55, 999, TimeSpan.Zero), facts.Timestamp);
        Assert.Equal("PLAY_RECOGNIZED", facts.AppRecognitionVerdict);
        Assert.Equal("com.worldcoin.staging", facts.AppPackageName);
        Assert.Equal(["nSrXEn8JkZKXFMAZW0NHhDRTHNi38YE2XCvVzYXjRu8"], facts.CertificateSha256Digests);
        Assert.Equal("25700", facts.VersionCode);
        Assert.Equal(["MEETS_DEVICE_INTEGRITY", "MEETS_STRONG_INTEGRITY"], facts.DeviceRecognitionVerdicts);
        Assert.Equal("LICENSED", facts.AppLicensingVerdict);
        Assert.Equal("NO_ISSUES", facts.PlayProtectVerdict);
        Assert.Equal(["KNOWN_INSTALLED", "UNKNOWN_INSTALLED"], facts.AppsDetected);
        Assert.Equal("LEVEL_2", facts.DeviceActivityLevel);
        Assert.Equal(33, facts.SdkVersion);
    }

    [Fact]
    public void AnAbsentOptionalFieldIsNullOrAnEmptyList()
    {
        var payload = Payload("unevaluated");
        payload["requestDetails"]!["timestampMillis"] = "1745276275999";

        var facts = IntegrityVerdict.Parse(JsonSerializer.SerializeToElement(payload));

        Assert.Equal("UNEVALUATED", facts.AppRecognitionVerdict);
        Assert.Null(facts.RequestHash);
        Assert.Null(facts.AppPackageName);
        Assert.Null(facts.VersionCode);
        Assert.Null(facts.PlayProtectVerdict);
        Assert.Null(facts.DeviceActivityLevel);
        Assert.Null(facts.SdkVersion);
        Assert.Empty(facts.CertificateSha256Digests);
        Assert.Empty(facts.DeviceRecognitionVerdicts);
        Assert.Empty(facts.AppsDetected);
    }

    private static JsonObject Payload(string name) =>
        JsonNode.Parse(Worldcoin.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("payload").GetRawText())!.AsObject();
}
