using System.Globalization;
using System.Text.Json;
using Attestation.Cli;
using Attestation.TestSupport;

namespace Attestation.Cli.Tests;

/// <summary><c>verify android-key-attestation</c> on every real vector of tests/vectors (docs/cli.md).</summary>
public sealed class AndroidKeyAttestationCommandTests
{
    public static TheoryData<string> Vectors() => [.. AndroidVectors.Names];

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task EachVectorGivesItsDocumentedCodeAndExitStatus(string name)
    {
        var vector = AndroidVectors.Load(name);

        var (status, report) = await RunAsync(ArgumentsFor(vector));

        Assert.Equal(vector.ExpectValid ? CliApplication.Valid : CliApplication.Refused, status);
        Assert.Equal(vector.ExpectCode, report.GetProperty("code").GetString());
        Assert.Equal(vector.ExpectValid, report.GetProperty("valid").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(report.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task TheFactsAreThoseOfTheEvidence()
    {
        var vector = AndroidVectors.Load("android-key-pixel9a-sdk36-strongbox-ec-ca1root");

        var (_, report) = await RunAsync(ArgumentsFor(vector));
        var facts = report.GetProperty("facts");

        Assert.Equal(300, facts.GetProperty("attestationVersion").GetInt32());
        Assert.Equal("STRONG_BOX", facts.GetProperty("securityLevel").GetString());
        Assert.Equal("VERIFIED", facts.GetProperty("verifiedBootState").GetString());
        Assert.True(facts.GetProperty("deviceLocked").GetBoolean());
        Assert.Equal("com.google.android.attestation", facts.GetProperty("packages")[0].GetString());
        Assert.Equal(vector.SignatureDigestsHex[0], facts.GetProperty("signatureDigests")[0].GetString());
        Assert.Equal(202602, facts.GetProperty("osPatchLevel").GetInt32());
        Assert.Equal("google-ec-ca1", facts.GetProperty("rootKind").GetString());
    }

    [Fact]
    public async Task TheV500ChainIsAPolicyViolationWithRequireVerifiedBootAndStillShowsItsFacts()
    {
        var vector = AndroidVectors.Load("android-key-pixel9a-sdk37-tee-v500");

        var (status, report) = await RunAsync([.. ArgumentsFor(vector), "--require-verified-boot"]);

        Assert.Equal(CliApplication.Refused, status);
        Assert.Equal("policy_violation", report.GetProperty("code").GetString());
        Assert.Equal("UNVERIFIED", report.GetProperty("facts").GetProperty("verifiedBootState").GetString());
        Assert.Equal(500, report.GetProperty("facts").GetProperty("attestationVersion").GetInt32());
    }

    [Fact]
    public async Task TheChallengeMayBeGivenAsText()
    {
        var vector = AndroidVectors.Load("android-key-pixel9pro-sdk36-tee-ec-rkp");

        var (status, _) = await RunAsync(["--chain", vector.ChainPath, "--challenge", "d688d763-6118-4ca6-94b2-e6cd9ed7e4e4", "--at", At(vector)]);

        Assert.Equal(CliApplication.Valid, status);
    }

    [Fact]
    public async Task AnotherSigningDigestIsAPolicyViolation()
    {
        var vector = AndroidVectors.Load("android-key-sony-xperia10iii-sdk33-tee-ec");

        var (status, report) = await RunAsync(["--chain", vector.ChainPath, "--challenge-hex", Convert.ToHexString(vector.Challenge), "--at", At(vector),
            "--signing-digest", new string('a', 64), "--require-locked", "--min-security-level", "tee"]);

        Assert.Equal(CliApplication.Refused, status);
        Assert.Equal("policy_violation", report.GetProperty("code").GetString());
    }

    [Fact]
    public async Task TheSampleRevocationListRefusesNoRealVector()
    {
        var vector = AndroidVectors.Load("android-key-pixel3-sdk28-tee-ec");

        var (status, _) = await RunAsync([.. ArgumentsFor(vector), "--revocation-list", AndroidVectors.StatusListSamplePath]);

        Assert.Equal(CliApplication.Valid, status);
    }

    [Theory]
    [InlineData("--min-security-level", "software")]
    [InlineData("--signing-digest", "abc")]
    [InlineData("--revocation-list", "/no/such/file.json")]
    [InlineData("--at", "yesterday")]
    public async Task AnOptionThatDoesNotParseIsAUsageError(string option, string value)
    {
        var vector = AndroidVectors.Load("android-key-pixel3-sdk28-tee-ec");

        var (status, _) = await RunAsync(["--chain", vector.ChainPath, "--challenge", "challenge", option, value]);

        Assert.Equal(CliApplication.UsageError, status);
    }

    [Fact]
    public async Task AChainFileWithoutCertificatesIsAUsageError()
    {
        var (status, _) = await RunAsync(["--chain", AndroidVectors.StatusListSamplePath, "--challenge", "challenge"]);

        Assert.Equal(CliApplication.UsageError, status);
    }

    private static string At(AndroidVector vector) => vector.VerifyAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string[] ArgumentsFor(AndroidVector vector) =>
    [
        "--chain", vector.ChainPath,
        "--challenge-hex", Convert.ToHexString(vector.Challenge),
        "--package", vector.Packages[0],
        .. vector.SignatureDigestsHex.SelectMany(d => new[] { "--signing-digest", d }),
        "--at", At(vector),
    ];

    private static async Task<(int Status, JsonElement Report)> RunAsync(string[] options)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var status = await CliApplication.RunAsync(["verify", "android-key-attestation", .. options], stdout, stderr, TimeProvider.System);
        var output = stdout.ToString();
        if (status == CliApplication.UsageError)
        {
            Assert.Equal(string.Empty, output);
            Assert.NotEqual(string.Empty, stderr.ToString());
            return (status, default);
        }

        return (status, JsonDocument.Parse(output).RootElement.Clone());
    }
}
