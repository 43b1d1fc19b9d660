using System.Globalization;
using System.Text.Json;
using Attestation.Cli;
using Attestation.Core.Text;
using Attestation.TestSupport;

namespace Attestation.Cli.Tests;

/// <summary>The tool's JSON and exit status for every real App Attest vector (docs/cli.md).</summary>
public sealed class AppleCommandsTests
{
    public static TheoryData<string> AttestationFiles() => [.. AppleVectors.AttestationFiles()];

    public static TheoryData<string> AssertionFiles() => [.. AppleVectors.AssertionFiles()];

    [Theory]
    [MemberData(nameof(AttestationFiles))]
    public async Task EachRealAttestationIsValidWithItsFacts(string file)
    {
        var vector = AppleVectors.Load(file);
        var attestation = vector.Attestation!;

        var (status, report) = await RunAsync([.. AttestationArgs(vector), "--allow-development", "--at", Rfc3339(attestation.VerifyAt)]);

        Assert.Equal(CliApplication.Valid, status);
        Assert.True(report.GetProperty("valid").GetBoolean());
        Assert.Equal("ok", report.GetProperty("code").GetString());
        var facts = report.GetProperty("facts");
        Assert.Equal(Base64Flexible.ToBase64Url(attestation.KeyId), facts.GetProperty("keyId").GetString());
        Assert.Equal(attestation.Environment, facts.GetProperty("environment").GetString());
        Assert.Equal(0, facts.GetProperty("counter").GetInt64());
        Assert.Equal(Base64Flexible.ToBase64Url(AppleVectors.SpkiFromPem(attestation.PublicKeyPem)), facts.GetProperty("publicKey").GetString());
    }

    [Theory]
    [MemberData(nameof(AttestationFiles))]
    public async Task EachRealAttestationIsRefusedAfterExpiryWithItsFactsStillRead(string file)
    {
        var vector = AppleVectors.Load(file);

        var (status, report) = await RunAsync([.. AttestationArgs(vector), "--allow-development", "--at", Rfc3339(vector.Attestation!.ExpiredAt.AddMinutes(1))]);

        Assert.Equal(CliApplication.Refused, status);
        Assert.False(report.GetProperty("valid").GetBoolean());
        Assert.Equal("attestation_invalid", report.GetProperty("code").GetString());
        Assert.Equal(Base64Flexible.ToBase64Url(vector.Attestation.KeyId), report.GetProperty("facts").GetProperty("keyId").GetString());
    }

    [Theory]
    [MemberData(nameof(AttestationFiles))]
    public async Task WithoutAllowDevelopmentOnlyProductionAttestationsAreValid(string file)
    {
        var vector = AppleVectors.Load(file);

        var (status, report) = await RunAsync([.. AttestationArgs(vector), "--at", Rfc3339(vector.Attestation!.VerifyAt)]);

        var production = vector.Attestation.Environment == "production";
        Assert.Equal(production ? CliApplication.Valid : CliApplication.Refused, status);
        Assert.Equal(production ? "ok" : "policy_violation", report.GetProperty("code").GetString());
    }

    [Fact]
    public async Task TheChallengeOptionHashesTheChallengeString()
    {
        // uebelack's attestation was made over SHA-256 of the UTF-8 challenge, the rule of this backend's contract.
        var vector = AppleVectors.Load("apple-appattest-uebelack-development.json");
        var attestation = vector.Attestation!;

        var (status, report) = await RunAsync(
        [
            "verify", "apple-app-attest",
            "--attestation-object", Convert.ToBase64String(attestation.AttestationObject),
            "--key-id", Convert.ToBase64String(attestation.KeyId),
            "--app-id", vector.AppId,
            "--challenge", "6f46aaeb-3989-45db-8c24-6cc88a76e789",
            "--allow-development",
            "--at", Rfc3339(attestation.VerifyAt),
        ]);

        Assert.Equal(CliApplication.Valid, status);
        Assert.True(report.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task AnotherAppIdIsAPolicyViolation()
    {
        var vector = AppleVectors.Load("apple-appattest-apple-docs-sample-2026.json") with { AppId = "0987654321.com.example.myapp" };

        var (status, report) = await RunAsync([.. AttestationArgs(vector), "--at", Rfc3339(vector.Attestation!.VerifyAt)]);

        Assert.Equal(CliApplication.Refused, status);
        Assert.Equal("policy_violation", report.GetProperty("code").GetString());
    }

    [Theory]
    [MemberData(nameof(AssertionFiles))]
    public async Task EachRealAssertionIsValidAfterItsPreviousCounter(string file)
    {
        var vector = AppleVectors.Load(file);
        foreach (var assertion in vector.Assertions)
        {
            var (status, report) = await RunAsync(AssertionArgs(vector.AppId, assertion, Base64Flexible.ToBase64Url(AppleVectors.SpkiFromPem(assertion.PublicKeyPem)), assertion.PreviousCounter));

            Assert.Equal(CliApplication.Valid, status);
            Assert.Equal("ok", report.GetProperty("code").GetString());
            Assert.Equal(assertion.ExpectedCounter, report.GetProperty("facts").GetProperty("counter").GetInt64());
        }
    }

    [Theory]
    [MemberData(nameof(AssertionFiles))]
    public async Task EachRealAssertionIsRefusedOnceItsCounterWasSeen(string file)
    {
        var vector = AppleVectors.Load(file);
        var pemFile = Path.GetTempFileName();
        try
        {
            foreach (var assertion in vector.Assertions)
            {
                await File.WriteAllTextAsync(pemFile, assertion.PublicKeyPem);

                var (status, report) = await RunAsync(AssertionArgs(vector.AppId, assertion, pemFile, assertion.ExpectedCounter));

                Assert.Equal(CliApplication.Refused, status);
                Assert.Equal("proof_invalid", report.GetProperty("code").GetString());
                Assert.Equal(assertion.ExpectedCounter, report.GetProperty("facts").GetProperty("counter").GetInt64());
            }
        }
        finally
        {
            File.Delete(pemFile);
        }
    }

    [Fact]
    public async Task TheClientDataOptionHashesTheClientData()
    {
        // veehaitch's assertion signed SHA-256("wurzelpfropf").
        var vector = AppleVectors.Load("apple-appattest-veehaitch-ios-14.4.json");
        var assertion = vector.Assertions[0];

        var (status, _) = await RunAsync(
        [
            "verify", "apple-assertion",
            "--assertion", Convert.ToBase64String(assertion.Assertion),
            "--public-key", Convert.ToBase64String(AppleVectors.SpkiFromPem(assertion.PublicKeyPem)),
            "--app-id", vector.AppId,
            "--client-data", "d3VyemVscGZyb3Bm",
            "--previous-counter", "0",
        ]);

        Assert.Equal(CliApplication.Valid, status);
    }

    [Theory]
    [InlineData("--attestation-object", "not base64!")]
    [InlineData("--app-id", "nodot")]
    [InlineData("--at", "yesterday")]
    [InlineData("--client-data-hash", "xyz")]
    public async Task AnOptionThatDoesNotParseIsAUsageError(string option, string value)
    {
        var vector = AppleVectors.Load("apple-appattest-apple-docs-sample-2026.json");
        var args = AttestationArgs(vector).ToList();
        var at = args.IndexOf(option);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var status = await CliApplication.RunAsync(args, stdout, stderr, TimeProvider.System);

        Assert.Equal(CliApplication.UsageError, status);
        Assert.Equal(string.Empty, stdout.ToString());
        Assert.Contains(option, stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APublicKeyThatIsNeitherAFileNorBase64IsAUsageError()
    {
        var vector = AppleVectors.Load("apple-appattest-uebelack-assertion.json");
        var args = AssertionArgs(vector.AppId, vector.Assertions[0], "/no/such/file.pem", 0);

        var status = await CliApplication.RunAsync(args, new StringWriter(), new StringWriter(), TimeProvider.System);

        Assert.Equal(CliApplication.UsageError, status);
    }

    private static string[] AttestationArgs(AppleVector vector) =>
    [
        "verify", "apple-app-attest",
        "--attestation-object", Convert.ToBase64String(vector.Attestation!.AttestationObject),
        "--key-id", Convert.ToBase64String(vector.Attestation.KeyId),
        "--app-id", vector.AppId,
        "--client-data-hash", Convert.ToHexString(vector.Attestation.ClientDataHash),
    ];

    private static string[] AssertionArgs(string appId, AppleAssertionCase assertion, string publicKey, long previousCounter) =>
    [
        "verify", "apple-assertion",
        "--assertion", Convert.ToBase64String(assertion.Assertion),
        "--public-key", publicKey,
        "--app-id", appId,
        "--client-data-hash", Convert.ToHexString(assertion.ClientDataHash),
        "--previous-counter", previousCounter.ToString(CultureInfo.InvariantCulture),
    ];

    private static string Rfc3339(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static async Task<(int Status, JsonElement Report)> RunAsync(IReadOnlyList<string> args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var status = await CliApplication.RunAsync(args, stdout, stderr, TimeProvider.System);

        Assert.Equal(string.Empty, stderr.ToString());
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var document = JsonDocument.Parse(Assert.Single(lines));
        Assert.Equal(["valid", "code", "detail", "facts"], document.RootElement.EnumerateObject().Select(p => p.Name));
        return (status, document.RootElement.Clone());
    }
}
