using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Attestation.TestSupport;

namespace Attestation.Functions.Tests;

/// <summary>
/// Issue 15, finding 6: the production guards as a deployment meets them. The local host runs as a separate process, its
/// mode decided by <see cref="DeploymentMode"/> from the child's own <c>AZURE_FUNCTIONS_ENVIRONMENT</c> (no test passes a
/// mode in code), with the same <see cref="AttestationBackend.AddAttestationBackend"/> and so the same validators as the
/// Functions host. The child inherits none of this machine's host settings (<see cref="ChildProcess.IsHostSetting"/>).
/// </summary>
public partial class ProductionGuardProcessTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    // The sample's public development keys, and a key this test makes up: none may appear in any output.
    private const string SampleSigningSecret = "oCCnlGujb+niQrw6G/M7l1SpYVnVMvCFmc9T5tbw1ww=";
    private const string SampleChallengeSecret = "0MD7FajYWoLPWCIdvpTrSnWcIFIzccu4Biwg3w2/OqE=";
    private const string ConfiguredSecret = "cHJvZHVjdGlvbi1ndWFyZC10ZXN0LW9ubHkta2V5LTMyYg==";

    public static TheoryData<string, string, string, string> RefusedSettings => new()
    {
        // The sample as it is: signing key in app settings, no vault.
        { "Production", "Attestation__SigningKey__KeyVaultUri", "", "Attestation:SigningKey:KeyVaultUri is required in production" },
        { "Staging", "Attestation__SigningKey__KeyVaultUri", "", "Attestation:SigningKey:KeyVaultUri is required in production" },

        // Keys configured beside a vault are refused rather than ignored.
        { "Production", "Attestation__SigningKey__Current__Secret", ConfiguredSecret, "Attestation:SigningKey:Current and Previous are refused in production" },
        { "Production", "Attestation__SigningKey__Previous__Secret", ConfiguredSecret, "Attestation:SigningKey:Current and Previous are refused in production" },
        { "Production", "Attestation__ChallengeKey__Current__Secret", ConfiguredSecret, "Attestation:ChallengeKey:Current and Previous are refused in production" },

        // Test roots.
        { "Production", "Attestation__AppleAppAttest__TestOnlyTrustedRoots__0", "test-root.pem", "Attestation:AppleAppAttest:TestOnlyTrustedRoots is set, but this instance runs in production" },
        { "Production", "Attestation__AndroidKey__TestOnlyTrustedRootPublicKeys__0", "MCowBQYDK2VwAyEA", "Attestation:AndroidKey:TestOnlyTrustedRootPublicKeys must be empty in production" },

        // A decode endpoint other than Google's would receive the service account's access tokens.
        { "Production", "Attestation__PlayIntegrity__DecodeEndpoint", "https://127.0.0.1:9/", "Attestation:PlayIntegrity:DecodeEndpoint must be https://playintegrity.googleapis.com/ in production" },
    };

    [Theory]
    [MemberData(nameof(RefusedSettings))]
    public async Task OutsideDevelopmentTheHostRefusesToStartAndNamesTheSetting(string environment, string setting, string value, string expected)
    {
        var settings = ProductionSettings(environment);
        settings[setting] = value;
        if (setting == "Attestation__SigningKey__KeyVaultUri")
        {
            // No vault: the sample's own signing key is what is left configured.
            settings["Attestation__SigningKey__Current__Version"] = "local-development-1";
            settings["Attestation__SigningKey__Current__Secret"] = SampleSigningSecret;
        }
        else if (setting.EndsWith("__Secret", StringComparison.Ordinal))
        {
            settings[setting.Replace("__Secret", "__Version", StringComparison.Ordinal)] = "configured-1";
        }

        await using var host = await StartLocalHostAsync(settings);
        var exitCode = await host.WaitForExitAsync(StartTimeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(expected, host.Output, StringComparison.Ordinal);
        Assert.DoesNotMatch(ListeningLine(), host.Output);
        AssertNoSecret(host.Output);
    }

    [Fact]
    public async Task InProductionWithValidSettingsTheHostStartsAndVerifyRefusesEveryCallerWhenNoneIsConfigured()
    {
        await using var host = await StartLocalHostAsync(ProductionSettings("Production"));
        using var client = new HttpClient { BaseAddress = await AddressAsync(host) };

        using var anonymous = await client.PostAsync("/api/v1/verify", Json("""{"token": "a.b.c"}"""));
        using var keyed = new HttpRequestMessage(HttpMethod.Post, "/api/v1/verify") { Content = Json("""{"token": "a.b.c"}""") };
        keyed.Headers.Add("x-functions-key", "a-key-nobody-configured");
        using var withKey = await client.SendAsync(keyed);

        await ProblemAssert.IsProblemAsync(anonymous, HttpStatusCode.Unauthorized, "unauthenticated");
        await ProblemAssert.IsProblemAsync(withKey, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains("environment Production", host.Output, StringComparison.Ordinal);
        AssertNoSecret(host.Output);
    }

    [Fact]
    public async Task InDevelopmentTheSampleSettingsStartAndVerifyIsOpen()
    {
        // The other way round: the sample's keys, with no vault and no caller configured, are what a developer runs.
        await using var host = await StartLocalHostAsync(new Dictionary<string, string?> { ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development" });
        using var client = new HttpClient { BaseAddress = await AddressAsync(host) };

        using var verify = await client.PostAsync("/api/v1/verify", Json("""{"token": "a.b.c"}"""));

        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        Assert.Contains("environment Development", host.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Settings a production deployment could run with, over the sample's: the keys from a vault (never contacted before the
    /// first token is signed; this address refuses connections), no key in app settings, tables on the shared Azurite.
    /// </summary>
    private static Dictionary<string, string?> ProductionSettings(string environment) => new()
    {
        ["AZURE_FUNCTIONS_ENVIRONMENT"] = environment,
        ["Attestation__SigningKey__KeyVaultUri"] = "https://127.0.0.1:9/",
        ["Attestation__SigningKey__Current__Version"] = "",
        ["Attestation__SigningKey__Current__Secret"] = "",
        ["Attestation__ChallengeKey__Current__Version"] = "",
        ["Attestation__ChallengeKey__Current__Secret"] = "",
    };

    /// <summary>The local host as scripts/run-local.sh runs it, with the sample's settings and <paramref name="environment"/> on top.</summary>
    private static async Task<ChildProcess> StartLocalHostAsync(Dictionary<string, string?> environment)
    {
        environment["Attestation__Storage__ConnectionString"] = await SharedAzurite.GetConnectionStringAsync();
        environment["Attestation__Storage__TablePrefix"] = SharedAzurite.NewTablePrefix();
        return ChildProcess.Start(
            ChildProcess.DotnetHost,
            [
                Path.Combine(AppContext.BaseDirectory, "Attestation.LocalHost.dll"),
                "--urls=http://127.0.0.1:0",
                $"--LocalHost:Settings={Path.Combine(RepositoryPaths.Root, "local.settings.sample.json")}",
            ],
            environment);
    }

    private static async Task<Uri> AddressAsync(ChildProcess host) =>
        new((await host.WaitForOutputAsync(ListeningLine(), StartTimeout)).Groups["address"].Value);

    private static void AssertNoSecret(string output)
    {
        foreach (var secret in new[] { SampleSigningSecret, SampleChallengeSecret, ConfiguredSecret })
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [GeneratedRegex(@"Now listening on: (?<address>http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
