using System.Diagnostics;
using System.Xml.Linq;
using Attestation.Core.Tokens;

namespace Attestation.Infrastructure.Tests;

/// <summary>
/// main.bicep's tokenAlgorithm in both modes (issue 12): HS256 hands the signing secret to API Management; ES256 gives
/// API Management no Key Vault role and no secret, and its validate-jwt reads the backend's discovery document instead.
/// </summary>
public sealed class TokenAlgorithmModeTests
{
    private const string Fragments = "Microsoft.ApiManagement/service/policyFragments";
    private const string NamedValues = "Microsoft.ApiManagement/service/namedValues";
    private const string Roles = "Microsoft.Authorization/roleAssignments";

    [Fact]
    public async Task Hs256IsTheDefault()
    {
        var template = await CompiledTemplate.GetAsync();

        Assert.Equal("HS256", template.DefaultOf("tokenAlgorithm")!.GetValue<string>());
        Assert.Equal(["HS256", "ES256"], template.Root["parameters"]!["tokenAlgorithm"]!["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task InHs256ModeTheEdgeChecksWithTheTwoKeyVaultKeysAndHasItsRoleOnTheSecret()
    {
        var snapshot = await TemplateSnapshot.GetAsync(("deploySampleApi", "true"));

        var validateJwt = ValidateJwt(snapshot);
        Assert.Equal(["{{attestation-signing-key-current}}", "{{attestation-signing-key-previous}}"], validateJwt.Descendants("key").Select(k => k.Value));
        Assert.Empty(validateJwt.Descendants("openid-config"));
        Assert.Equal(2, snapshot.OfType(NamedValues).Count(v => v["properties"]!["keyVault"] is not null));
        Assert.Single(ApiManagementRoles(snapshot));
        Assert.DoesNotContain("attestation-openid-config-url", snapshot.PlainNamedValues().Keys);
        Assert.Equal("HS256", AppSetting(snapshot, "Attestation__Token__Algorithm"));
        Assert.Null(AppSetting(snapshot, "Attestation__Token__JwksUri"));
        Assert.Equal("token-signing-key", snapshot.Outputs["SIGNING_SECRET_NAME"]!.GetValue<string>());
    }

    [Fact]
    public async Task InEs256ModeTheEdgeReadsTheDiscoveryDocumentAndHoldsNoSecretNorAnyKeyVaultRole()
    {
        var snapshot = await TemplateSnapshot.GetAsync(("deploySampleApi", "true"), ("tokenAlgorithm", "'ES256'"));

        var validateJwt = ValidateJwt(snapshot);
        var openIdConfig = Assert.Single(validateJwt.Elements("openid-config"));
        Assert.Equal("{{attestation-openid-config-url}}", (string?)openIdConfig.Attribute("url"));
        Assert.Empty(validateJwt.Descendants("issuer-signing-keys"));
        Assert.Empty(validateJwt.Descendants("key"));

        // What the edge reads is the backend's own route, published through API Management's attestation API.
        var url = snapshot.PlainNamedValues()["attestation-openid-config-url"];
        Assert.Matches("^https://apim-[a-z0-9]+\\.azure-api\\.net/attestation/\\.well-known/openid-configuration$", url);
        Assert.Equal(url.Replace("openid-configuration", "jwks.json", StringComparison.Ordinal), AppSetting(snapshot, "Attestation__Token__JwksUri"));
        Assert.Equal(url, snapshot.Outputs["TOKEN_OPENID_CONFIGURATION_URL"]!.GetValue<string>());
        Assert.NotNull(snapshot.Find("Microsoft.ApiManagement/service/apis/operations", "openid-configuration"));
        Assert.NotNull(snapshot.Find("Microsoft.ApiManagement/service/apis/operations", "jwks"));

        // No secret reaches API Management: no Key Vault named value, no role on the vault or any secret of it.
        Assert.DoesNotContain(snapshot.OfType(NamedValues), v => v["properties"]!["keyVault"] is not null);
        Assert.DoesNotContain(snapshot.OfType(NamedValues), v => v["properties"]!["secret"]?.GetValue<bool>() == true);
        Assert.Empty(ApiManagementRoles(snapshot));

        // The backend signs with its own P-256 secret, never reading the HS256 one as a key.
        Assert.Equal(nameof(TokenAlgorithm.ES256), AppSetting(snapshot, "Attestation__Token__Algorithm"));
        Assert.Equal("token-signing-key-es256", AppSetting(snapshot, "Attestation__SigningKey__SecretName"));
        Assert.Equal("token-signing-key-es256", snapshot.Outputs["SIGNING_SECRET_NAME"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheSecretNameComingBackFromTheEnvironmentIsNotSuffixedTwice()
    {
        var snapshot = await TemplateSnapshot.GetAsync(("tokenAlgorithm", "'ES256'"), ("signingSecretName", "'token-signing-key-es256'"));

        Assert.Equal("token-signing-key-es256", snapshot.Outputs["SIGNING_SECRET_NAME"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("HS256")]
    public void TheRotationScriptsMakeAKeyTheBackendReads(string algorithm)
    {
        // new_key of signing-key-versions.sh, run for real with azd stubbed: its output is what goes to Key Vault.
        var file = Path.GetTempFileName();
        try
        {
            var script = Path.Combine(Attestation.TestSupport.RepositoryPaths.Root, "infra", "scripts", "signing-key-versions.sh");
            var start = new ProcessStartInfo("sh")
            {
                ArgumentList =
                {
                    "-c",
                    "azd() { if [ \"$3\" = TOKEN_ALGORITHM ]; then echo \"$ALG\"; else echo stub; fi; }; . \"$0\"; new_key \"$1\"; key_content_type",
                    script,
                    file,
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["ALG"] = algorithm;
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();

            Assert.Equal(0, process.ExitCode);
            var value = File.ReadAllText(file);
            Assert.DoesNotContain(value.Trim(), output, StringComparison.Ordinal);
            var key = SigningKey.Read(Enum.Parse<TokenAlgorithm>(algorithm), "v1", value);
            Assert.NotNull(key);
            Assert.Equal(algorithm, key.Algorithm.ToString());
            Assert.StartsWith(algorithm + " key:", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static XElement ValidateJwt(TemplateSnapshot snapshot) =>
        XElement.Parse(snapshot.PolicyText(Fragments, EdgeTokenKit.SampleFragment)!).Descendants("validate-jwt").Single();

    private static IEnumerable<System.Text.Json.Nodes.JsonObject> ApiManagementRoles(TemplateSnapshot snapshot) =>
        snapshot.OfType(Roles).Where(r => r["properties"]!["principalId"]!.GetValue<string>().Contains("/userAssignedIdentities/id-apim-", StringComparison.Ordinal));

    private static string? AppSetting(TemplateSnapshot snapshot, string name) =>
        snapshot.OfType("Microsoft.Web/sites/config").Single()["properties"]![name]?.GetValue<string>();
}
