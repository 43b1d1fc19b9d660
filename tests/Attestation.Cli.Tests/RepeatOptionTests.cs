using System.Globalization;
using System.Text.Json;
using Attestation.Cli;
using Attestation.TestSupport;

namespace Attestation.Cli.Tests;

/// <summary><c>--repeat N</c> on every <c>verify</c> kind (docs/cli.md): the same result, with the count and the rate added.</summary>
public sealed class RepeatOptionTests
{
    public static TheoryData<string> Kinds() => ["apple-app-attest", "apple-assertion", "android-key-attestation", "play-integrity"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ARepeatedCommandPrintsTheResultOfASingleOneWithTheCountAndTheRate(string kind)
    {
        var args = Arguments(kind);

        var (singleStatus, single, _) = await CliRun.RunAsync(args);
        var (status, repeated, stderr) = await CliRun.RunAsync([.. args, "--repeat", "5"]);

        Assert.Equal(string.Empty, stderr);
        Assert.Equal(CliApplication.Valid, singleStatus);
        Assert.Equal(singleStatus, status);
        Assert.Equal(5, repeated.GetProperty("repeat").GetInt32());
        Assert.True(repeated.GetProperty("opsPerSecond").GetDouble() > 0);
        Assert.False(single.TryGetProperty("repeat", out _));
        Assert.False(single.TryGetProperty("opsPerSecond", out _));
        foreach (var field in new[] { "valid", "code", "detail", "facts" })
        {
            Assert.Equal(single.GetProperty(field).GetRawText(), repeated.GetProperty(field).GetRawText());
        }
    }

    [Fact]
    public async Task ARefusedResultIsRepeatedAndRefusedToo()
    {
        var args = Arguments("apple-assertion");
        args[^1] = "1";

        var (status, report, _) = await CliRun.RunAsync([.. args, "--repeat", "3"]);

        Assert.Equal(CliApplication.Refused, status);
        Assert.Equal("proof_invalid", report.GetProperty("code").GetString());
        Assert.Equal(3, report.GetProperty("repeat").GetInt32());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("ten")]
    [InlineData("1.5")]
    [InlineData("10000001")]
    [InlineData("99999999999")]
    public async Task ARepeatCountThatIsNotAWholeNumberFromOneToTenMillionIsAUsageError(string count)
    {
        foreach (var kind in Kinds())
        {
            var (status, _, stderr) = await CliRun.RunAsync([.. Arguments(kind), "--repeat", count], expectReport: false);

            Assert.Equal(CliApplication.UsageError, status);
            Assert.Contains("--repeat", stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RepeatGivenTwiceIsAUsageError()
    {
        var (status, _, stderr) = await CliRun.RunAsync([.. Arguments("apple-assertion"), "--repeat", "2", "--repeat", "3"], expectReport: false);

        Assert.Equal(CliApplication.UsageError, status);
        Assert.Contains("--repeat is given twice", stderr, StringComparison.Ordinal);
    }

    private static string[] Arguments(string kind)
    {
        var vectors = Path.Combine(RepositoryPaths.Root, "tests", "vectors");
        switch (kind)
        {
            case "apple-app-attest":
                {
                    var vector = AppleVectors.Load("apple-appattest-worldcoin-2025.json");
                    var attestation = vector.Attestation!;
                    return
                    [
                        "verify", kind,
                    "--attestation-object", Convert.ToBase64String(attestation.AttestationObject),
                    "--key-id", Convert.ToBase64String(attestation.KeyId),
                    "--app-id", vector.AppId,
                    "--client-data-hash", Convert.ToHexString(attestation.ClientDataHash),
                    "--allow-development",
                    "--at", attestation.VerifyAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ];
                }

            case "apple-assertion":
                {
                    var vector = AppleVectors.Load("apple-appattest-worldcoin-2025.json");
                    var assertion = vector.Assertions[0];
                    return
                    [
                        "verify", kind,
                    "--assertion", Convert.ToBase64String(assertion.Assertion),
                    "--public-key", Convert.ToBase64String(AppleVectors.SpkiFromPem(assertion.PublicKeyPem)),
                    "--app-id", vector.AppId,
                    "--client-data-hash", Convert.ToHexString(assertion.ClientDataHash),
                    "--previous-counter", assertion.PreviousCounter.ToString(CultureInfo.InvariantCulture),
                ];
                }

            case "android-key-attestation":
                {
                    var vector = AndroidVectors.Load("android-key-pixel9a-sdk36-tee-ec-ca1root");
                    return
                    [
                        "verify", kind,
                    "--chain", vector.ChainPath,
                    "--challenge-hex", Convert.ToHexString(vector.Challenge),
                    "--at", vector.VerifyAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ];
                }

            default:
                {
                    using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(vectors, "play-integrity-synthetic-tokens-worldcoin-testkeys.json")));
                    var root = document.RootElement;
                    var keys = root.GetProperty("case").GetProperty("keys");
                    return
                    [
                        "verify", kind,
                    "--token", root.GetProperty("validToken").GetProperty("integrityToken").GetString()!,
                    "--decryption-key", keys.GetProperty("decryptionKeyBase64").GetString()!,
                    "--verification-key", keys.GetProperty("verificationKeyBase64").GetString()!,
                    "--package", "com.worldcoin.dev",
                    "--nonce", "i_am_a_sample_request_hash",
                    "--at", "2026-01-01T00:00:30Z",
                ];
                }
        }
    }
}
