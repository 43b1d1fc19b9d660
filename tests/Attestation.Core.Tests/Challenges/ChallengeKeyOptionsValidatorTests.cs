using Attestation.Core.Challenges;
using Attestation.Core.Secrets;

namespace Attestation.Core.Tests.Challenges;

public class ChallengeKeyOptionsValidatorTests
{
    private static readonly string Secret32 = Convert.ToBase64String(Enumerable.Repeat((byte)5, 32).ToArray());

    [Fact]
    public void WithoutAVaultACurrentKeyIsRequired()
    {
        var result = new ChallengeKeyOptionsValidator(usesKeyVault: false, production: false).Validate(null, new ChallengeKeyOptions());

        Assert.True(result.Failed);
        Assert.Contains("Attestation:ChallengeKey:Current is required", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AShortSecretIsNamedWithoutEchoingIt()
    {
        var options = new ChallengeKeyOptions { Current = new ConfiguredKeyVersion { Version = "c1", Secret = "c2hvcnQtc2VjcmV0" } };

        var result = new ChallengeKeyOptionsValidator(usesKeyVault: false, production: false).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Attestation:ChallengeKey:Current:Secret must be base64 of at least 32 bytes", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("c2hvcnQtc2VjcmV0", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void CurrentAndPreviousMustBeDifferentVersions()
    {
        var options = new ChallengeKeyOptions
        {
            Current = new ConfiguredKeyVersion { Version = "c1", Secret = Secret32 },
            Previous = new ConfiguredKeyVersion { Version = "c1", Secret = Secret32 },
        };

        var result = new ChallengeKeyOptionsValidator(usesKeyVault: false, production: false).Validate(null, options);

        Assert.Contains("Attestation:ChallengeKey:Previous:Version must differ", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void WithAVaultNoConfiguredKeyIsNeededAndTheSecretNameDefaultsToChallengeKey()
    {
        var options = new ChallengeKeyOptions();

        Assert.True(new ChallengeKeyOptionsValidator(usesKeyVault: true, production: true).Validate(null, options).Succeeded);
        Assert.Equal("challenge-key", options.SecretName);
        Assert.Equal(TimeSpan.FromMinutes(5), options.RefreshInterval);
    }

    [Fact]
    public void InProductionAConfiguredKeyStopsTheStartEvenBesideAVault()
    {
        var options = new ChallengeKeyOptions { Current = new ConfiguredKeyVersion { Version = "c1", Secret = Secret32 } };

        Assert.True(new ChallengeKeyOptionsValidator(usesKeyVault: true, production: false).Validate(null, options).Succeeded);
        var inProduction = new ChallengeKeyOptionsValidator(usesKeyVault: true, production: true).Validate(null, options);

        Assert.True(inProduction.Failed);
        Assert.Contains("refused in production", inProduction.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret32, inProduction.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ARefreshIntervalOutsideOneSecondToOneDayIsRefused()
    {
        var options = new ChallengeKeyOptions { RefreshInterval = TimeSpan.Zero };

        var result = new ChallengeKeyOptionsValidator(usesKeyVault: true, production: false).Validate(null, options);

        Assert.Contains("Attestation:ChallengeKey:RefreshInterval must be between", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyIdIsFourBytesOfTheVersionsHashAndTheKeyNeverShowsItsSecret()
    {
        var key = ChallengeKey.FromBase64("c1", Secret32)!;

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("c1"u8)[..4]), key.KeyId.ToString("x8"));
        Assert.DoesNotContain(Secret32, key.ToString(), StringComparison.Ordinal);
        Assert.Null(ChallengeKey.FromBase64("c1", Convert.ToBase64String(new byte[31])));
    }
}
