using System.Text.Json;
using System.Text.Json.Nodes;
using Attestation.TestSupport;

namespace Attestation.Cli.Tests;

/// <summary><c>verify play-integrity</c> on the synthetic tokens of tests/vectors (SOURCES.md section 3).</summary>
public class PlayIntegrityVerifyCommandTests
{
    private static readonly JsonElement Vector = Load();
    private static readonly JsonElement Case = Vector.GetProperty("case");

    public static TheoryData<string> Tokens() => [.. Case.GetProperty("tokens").EnumerateArray().Select(t => t.GetProperty("token").GetString()!)];

    [Theory]
    [MemberData(nameof(Tokens))]
    public async Task EverySyntheticTokenHasItsDocumentedOutcome(string tokenPath)
    {
        var testCase = Case.GetProperty("tokens").EnumerateArray().Single(t => t.GetProperty("token").GetString() == tokenPath);

        var (status, report, stderr) = await CliRun.RunAsync(Arguments(Token(tokenPath), "--at", testCase.GetProperty("verifyAt").GetString()!));

        Assert.Equal(string.Empty, stderr);
        if (testCase.GetProperty("expectValid").GetBoolean())
        {
            Assert.Equal(CliApplication.Valid, status);
            Assert.True(report.GetProperty("valid").GetBoolean());
            Assert.Equal("ok", report.GetProperty("code").GetString());
        }
        else
        {
            Assert.Equal(CliApplication.Refused, status);
            Assert.False(report.GetProperty("valid").GetBoolean());
            Assert.Equal(testCase.GetProperty("expectCode").GetString(), report.GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task TheValidTokenReportsItsVerdictFields()
    {
        var (_, report, _) = await CliRun.RunAsync(Arguments(Token("validToken.integrityToken"), "--at", "2026-01-01T00:00:30Z"));

        var facts = report.GetProperty("facts");
        Assert.Equal("com.worldcoin.dev", facts.GetProperty("requestPackageName").GetString());
        Assert.Equal("i_am_a_sample_request_hash", facts.GetProperty("nonce").GetString());
        Assert.Equal("1767225600000", facts.GetProperty("timestampMillis").GetString());
        Assert.Equal("2026-01-01T00:00:00.000Z", facts.GetProperty("timestamp").GetString());
        Assert.Equal("PLAY_RECOGNIZED", facts.GetProperty("appRecognitionVerdict").GetString());
        Assert.Equal("MEETS_DEVICE_INTEGRITY", facts.GetProperty("deviceRecognitionVerdict")[0].GetString());
        Assert.Equal("LICENSED", facts.GetProperty("appLicensingVerdict").GetString());
        Assert.Equal("6a6a1474b5cbbb2b1aa57e0bc3", facts.GetProperty("certificateSha256Digest")[0].GetString());
    }

    [Fact]
    public async Task TheValidTokensFactsKeepTheirKeysOrderAndValues()
    {
        var (_, report, _) = await CliRun.RunAsync(Arguments(Token("validToken.integrityToken"), "--at", "2026-01-01T00:00:30Z"));

        Assert.Equal(
            """{"requestPackageName":"com.worldcoin.dev","timestampMillis":"1767225600000","timestamp":"2026-01-01T00:00:00.000Z","appRecognitionVerdict":"PLAY_RECOGNIZED","certificateSha256Digest":["6a6a1474b5cbbb2b1aa57e0bc3"],"deviceRecognitionVerdict":["MEETS_DEVICE_INTEGRITY"],"nonce":"i_am_a_sample_request_hash","packageName":"com.worldcoin.dev","versionCode":"25700","appLicensingVerdict":"LICENSED","appsDetected":["KNOWN_INSTALLED","UNKNOWN_INSTALLED","UNKNOWN_CAPTURING"]}""",
            report.GetProperty("facts").GetRawText());
    }

    [Fact]
    public async Task EveryOptionalVerdictFieldIsReportedInItsPlace()
    {
        // Worldcoin's verdict with every optional field (SOURCES.md section 3), plus a requestHash, under throwaway keys.
        var payload = JsonNode.Parse(WorldcoinCase("full-with-optional-fields").GetRawText())!.AsObject();
        payload["requestDetails"]!["requestHash"] = "aGVsbG8";
        using var factory = new PlayIntegrityTokenFactory();

        var (status, report, _) = await CliRun.RunAsync(FactoryArguments(factory, factory.CreateToken(payload), "com.worldcoin.staging", "2025-04-21T22:58:00Z"));

        Assert.Equal(CliApplication.Valid, status);
        Assert.Equal(
            """{"requestPackageName":"com.worldcoin.staging","timestampMillis":"1745276275999","timestamp":"2025-04-21T22:57:55.999Z","appRecognitionVerdict":"PLAY_RECOGNIZED","certificateSha256Digest":["nSrXEn8JkZKXFMAZW0NHhDRTHNi38YE2XCvVzYXjRu8"],"deviceRecognitionVerdict":["MEETS_DEVICE_INTEGRITY","MEETS_STRONG_INTEGRITY"],"nonce":"i_am_a_sample_request_hash","requestHash":"aGVsbG8","packageName":"com.worldcoin.staging","versionCode":"25700","appLicensingVerdict":"LICENSED","playProtectVerdict":"NO_ISSUES","deviceActivityLevel":"LEVEL_2","sdkVersion":33,"appsDetected":["KNOWN_INSTALLED","UNKNOWN_INSTALLED"]}""",
            report.GetProperty("facts").GetRawText());
    }

    [Fact]
    public async Task AbsentVerdictFieldsAreLeftOutAndAbsentListsAreEmpty()
    {
        // Worldcoin's unevaluated verdict (no device label, digest or app package name), here without its accountDetails too:
        // refused, and reported with the facts it has.
        var payload = JsonNode.Parse(WorldcoinCase("unevaluated").GetRawText())!.AsObject();
        payload["requestDetails"]!["timestampMillis"] = "1745276275999";
        payload.Remove("accountDetails");
        using var factory = new PlayIntegrityTokenFactory();
        var package = payload["requestDetails"]!["requestPackageName"]!.GetValue<string>();

        var (status, report, _) = await CliRun.RunAsync(FactoryArguments(factory, factory.CreateToken(payload), package, "2025-04-21T22:58:00Z"));

        Assert.Equal(CliApplication.Refused, status);
        var facts = JsonNode.Parse(report.GetProperty("facts").GetRawText())!.AsObject();
        Assert.Equal(
            ["requestPackageName", "timestampMillis", "timestamp", "appRecognitionVerdict", "certificateSha256Digest", "deviceRecognitionVerdict", "nonce"],
            facts.Select(p => p.Key));
        Assert.Empty(facts["certificateSha256Digest"]!.AsArray());
        Assert.Empty(facts["deviceRecognitionVerdict"]!.AsArray());
    }

    [Fact]
    public async Task AnAllowListTheVerdictDoesNotMatchIsAPolicyViolationThatStillReportsTheFacts()
    {
        var (status, report, _) = await CliRun.RunAsync(Arguments(Token("validToken.integrityToken"), "--at", "2026-01-01T00:00:30Z",
            "--signing-digest", "9975aa1bdd72a85ec18ab6216adde29c80fb6b3be607708aab76ac7ade55f1a3"));

        Assert.Equal(CliApplication.Refused, status);
        Assert.Equal("policy_violation", report.GetProperty("code").GetString());
        Assert.Equal("com.worldcoin.dev", report.GetProperty("facts").GetProperty("requestPackageName").GetString());
    }

    [Theory]
    [InlineData("--package", "com.worldcoin.other", "policy_violation")]
    [InlineData("--min-device-verdict", "strong", "policy_violation")]
    [InlineData("--at", "2026-11-28T12:00:00Z", "attestation_invalid")]
    public async Task AFailedRequirementIsRefusedWithItsCode(string option, string value, string code)
    {
        var args = Arguments(Token("validToken.integrityToken"), "--at", "2026-01-01T00:00:30Z").ToList();
        var index = args.IndexOf(option);
        if (index >= 0)
        {
            args[index + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var (status, report, _) = await CliRun.RunAsync([.. args]);

        Assert.Equal(CliApplication.Refused, status);
        Assert.Equal(code, report.GetProperty("code").GetString());
    }

    [Fact]
    public async Task TheRequestHashOptionChecksTheRequestHashField()
    {
        var args = Arguments(Token("validToken.integrityToken"), "--at", "2026-01-01T00:00:30Z").ToList();
        args[args.IndexOf("--nonce")] = "--request-hash";

        var (status, report, _) = await CliRun.RunAsync([.. args]);

        Assert.Equal(CliApplication.Refused, status);
        Assert.Equal("attestation_invalid", report.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("--decryption-key", "AAAA")]
    [InlineData("--verification-key", "AAAA")]
    [InlineData("--decryption-key", "not base64!")]
    [InlineData("--max-age", "-5")]
    [InlineData("--min-device-verdict", "virtual")]
    [InlineData("--signing-digest", "abc")]
    [InlineData("--request-hash", "both given")]
    [InlineData("--at", "yesterday")]
    public async Task AnOptionThatDoesNotParseIsAUsageError(string option, string value)
    {
        var args = Arguments(Token("validToken.integrityToken")).ToList();
        var index = args.IndexOf(option);
        if (index >= 0)
        {
            args[index + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var (status, _, stderr) = await CliRun.RunAsync([.. args], expectReport: false);

        Assert.Equal(CliApplication.UsageError, status);
        Assert.Contains(option is "--request-hash" ? "--nonce" : option, stderr, StringComparison.Ordinal);
    }

    private static string[] Arguments(string token, params string[] more) =>
    [
        "verify", "play-integrity",
        "--token", token,
        "--decryption-key", Case.GetProperty("keys").GetProperty("decryptionKeyBase64").GetString()!,
        "--verification-key", Case.GetProperty("keys").GetProperty("verificationKeyBase64").GetString()!,
        "--package", "com.worldcoin.dev",
        "--nonce", "i_am_a_sample_request_hash",
        .. more,
    ];

    private static string[] FactoryArguments(PlayIntegrityTokenFactory factory, string token, string package, string at) =>
    [
        "verify", "play-integrity",
        "--token", token,
        "--decryption-key", factory.DecryptionKeyBase64,
        "--verification-key", factory.VerificationKeyBase64,
        "--package", package,
        "--nonce", "i_am_a_sample_request_hash",
        "--max-age", "600",
        "--at", at,
    ];

    private static JsonElement WorldcoinCase(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "vectors", "play-integrity-verdict-samples-worldcoin-tests.json")));
        return document.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("payload").Clone();
    }

    private static string Token(string path) => Vector.GetProperty(path.Split('.')[0]).GetProperty(path.Split('.')[1]).GetString()!;

    private static JsonElement Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "vectors", "play-integrity-synthetic-tokens-worldcoin-testkeys.json")));
        return document.RootElement.Clone();
    }
}
