using Attestation.Core.Secrets;
using Attestation.Core.Tokens;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Tests.Tokens;

public class SigningKeyTests
{
    [Fact]
    public void ASecretShorterThan32BytesIsRefused()
    {
        Assert.Null(SigningKey.FromBase64("v1", Convert.ToBase64String(new byte[31])));
        Assert.NotNull(SigningKey.FromBase64("v1", Convert.ToBase64String(new byte[32])));
    }

    [Fact]
    public void TheKeySetFindsOnlyTheCurrentAndPreviousVersions()
    {
        var keys = TokenTestKit.Keys;

        Assert.Same(TokenTestKit.V3, keys.Find("v3"));
        Assert.Same(TokenTestKit.V2, keys.Find("v2"));
        Assert.Null(keys.Find("v1"));
        Assert.Null(keys.Find(null));
        Assert.Null(keys.Find(""));
    }

    [Fact]
    public void ToStringNeverShowsTheSecret()
    {
        var secret = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray());
        var key = SigningKey.FromBase64("v1", secret)!;

        Assert.DoesNotContain(secret, key.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, new ConfiguredKeyVersion { Version = "v1", Secret = secret }.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigurationWithoutAVaultNeedsACurrentKey()
    {
        var result = new SigningKeyOptionsValidator(production: false).Validate(null, new SigningKeyOptions());

        Assert.True(result.Failed);
        Assert.Contains("Attestation:SigningKey:Current is required", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInvalidSecretIsNamedWithoutEchoingIt()
    {
        var options = new SigningKeyOptions { Current = new ConfiguredKeyVersion { Version = "v1", Secret = "too-short-secret" } };

        var result = new SigningKeyOptionsValidator(production: false).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Current:Secret must be base64", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("too-short-secret", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void InProductionTheKeyMustComeFromKeyVault()
    {
        var options = new SigningKeyOptions { Current = new ConfiguredKeyVersion { Version = "v1", Secret = Convert.ToBase64String(new byte[32]) } };

        Assert.True(new SigningKeyOptionsValidator(production: false).Validate(null, options).Succeeded);
        var inProduction = new SigningKeyOptionsValidator(production: true).Validate(null, options);

        Assert.True(inProduction.Failed);
        Assert.Contains("KeyVaultUri is required in production", inProduction.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void InProductionAKeyConfiguredBesideAVaultIsRefusedNotIgnored()
    {
        var secret = Convert.ToBase64String(new byte[32]);
        var options = new SigningKeyOptions { KeyVaultUri = new Uri("https://kv-example.vault.azure.net/"), Previous = new ConfiguredKeyVersion { Version = "v1", Secret = secret } };

        Assert.True(new SigningKeyOptionsValidator(production: false).Validate(null, options).Succeeded);
        var inProduction = new SigningKeyOptionsValidator(production: true).Validate(null, options);

        Assert.True(inProduction.Failed);
        Assert.Contains("Attestation:SigningKey:Current and Previous are refused in production", inProduction.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, inProduction.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ASecretWithStrayBitsIsRefusedNotThrown()
    {
        Assert.Null(SigningKey.FromBase64("v1", new string('A', 42) + "B"));
    }

    [Fact]
    public async Task TheConfigurationProviderServesCurrentAndPrevious()
    {
        var options = Options.Create(new SigningKeyOptions
        {
            Current = new ConfiguredKeyVersion { Version = "v2", Secret = Convert.ToBase64String(new byte[32]) },
            Previous = new ConfiguredKeyVersion { Version = "v1", Secret = Convert.ToBase64String(new byte[40]) },
        });

        var keys = await new ConfigurationSigningKeyProvider(options).GetKeysAsync();

        Assert.Equal("v2", keys.Current.Version);
        Assert.Equal("v1", keys.Previous!.Version);
    }
}
