using System.Security.Cryptography;
using Attestation.Core.Platforms.PlayIntegrity;
using Attestation.Core.Text;

namespace Attestation.Core.Tests.Platforms.PlayIntegrity;

public class PlayIntegrityPolicyValidatorTests
{
    private readonly PlayIntegrityPolicyValidator _validator = new();

    [Fact]
    public void TheDemoPolicyHasNoProblems() => Assert.Empty(_validator.Validate(Policy()));

    [Fact]
    public void AnAppWithoutThePlayIntegritySectionIsRefusedAtStart()
    {
        Assert.Contains(_validator.Validate(null), p => p.Contains("section is missing", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("package")]
    [InlineData("digest")]
    [InlineData("mode")]
    [InlineData("secrets")]
    [InlineData("service-account")]
    [InlineData("max-age")]
    [InlineData("app-recognition")]
    [InlineData("device")]
    public void EachBadSettingIsNamedAtStart(string setting)
    {
        var policy = Policy(p =>
        {
            switch (setting)
            {
                case "package": p.PackageName = null; break;
                case "digest": p.SigningCertificateDigests.Add("abc"); break;
                case "mode": p.Mode = "auto"; break;
                case "secrets": p.DecryptionKeySecretName = null; break;
                case "service-account": p.Mode = "standard"; break;
                case "max-age": p.MaxAge = TimeSpan.Zero; break;
                case "app-recognition": p.AllowedAppRecognitionVerdicts.Add("RECOGNIZED"); break;
                default: p.MinimumDeviceVerdict = "virtual"; break;
            }
        });

        Assert.Single(_validator.Validate(policy));
    }

    [Fact]
    public void AnUnknownAppRecognitionVerdictIsRefusedWithTheKnownOnes()
    {
        var problem = Assert.Single(_validator.Validate(Policy(p => p.AllowedAppRecognitionVerdicts.Add("RECOGNIZED"))));

        Assert.Equal("PlayIntegrity:AllowedAppRecognitionVerdicts entry 'RECOGNIZED' is not one of PLAY_RECOGNIZED, UNRECOGNIZED_VERSION, UNEVALUATED.", problem);
    }

    private static PlayIntegrityPolicy Policy(Action<PlayIntegrityPolicy>? change = null)
    {
        var section = new PlayIntegrityPolicy
        {
            PackageName = "com.contoso.demo",
            DecryptionKeySecretName = "pi-decryption",
            VerificationKeySecretName = "pi-verification",
        };
        section.SigningCertificateDigests.Add(Base64Flexible.ToBase64Url(SHA256.HashData("demo signing certificate"u8)));
        change?.Invoke(section);
        return section;
    }
}
