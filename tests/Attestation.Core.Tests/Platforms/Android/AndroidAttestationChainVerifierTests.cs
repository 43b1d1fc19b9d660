using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Android;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Android;

/// <summary>One test per chain rule, on chains generated under a test root, and the pinned Google roots.</summary>
public sealed class AndroidAttestationChainVerifierTests
{
    [Fact]
    public async Task AWellFormedChainUnderATrustedRootVerifies()
    {
        Assert.Equal(("ok", ""), await AndroidTestKit.VerifyAsync(new AndroidTestChain()));
    }

    [Fact]
    public async Task AChainUnderARootNobodyTrustsIsRefused()
    {
        var chain = new AndroidTestChain();
        var verifier = new AndroidKeyAttestationVerifier(
            new AndroidAttestationChainVerifier(),
            new FixedAndroidAttestationStatusSource(AndroidAttestationStatusList.Empty),
            TimeProvider.System);

        var error = AndroidTestKit.Refusal(await verifier.VerifyChainAsync(chain.Build(), chain.Challenge, AndroidTestKit.Policy(), AndroidTestKit.Now));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Contains("does not end at a Google hardware attestation root", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChainWithoutItsRootCertificateVerifiesWhenItsTopIsSignedByAPinnedKey()
    {
        Assert.Equal("ok", (await AndroidTestKit.VerifyAsync(new AndroidTestChain { IncludeRoot = false })).Code);
    }

    [Fact]
    public async Task ALeafSignedByAnotherKeyIsRefused()
    {
        var (code, detail) = await AndroidTestKit.VerifyAsync(new AndroidTestChain { SignLeafWithWrongKey = true });

        Assert.Equal("attestation_invalid", code);
        Assert.Contains("signature of certificate 0", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAttestationExtensionAboveTheLeafIsRefused()
    {
        var (code, detail) = await AndroidTestKit.VerifyAsync(new AndroidTestChain { BatchHasExtension = true });

        Assert.Equal("attestation_invalid", code);
        Assert.Contains("above the leaf", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACertificateThatSignsACaButIsNoCaIsRefused()
    {
        var (code, detail) = await AndroidTestKit.VerifyAsync(new AndroidTestChain { CaIsCertificateAuthority = false });

        Assert.Equal("attestation_invalid", code);
        Assert.Contains("is not one itself", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACaWhoseKeyUsageLacksCertificateSigningIsRefusedAboveTheBatchCertificate()
    {
        var (code, detail) = await AndroidTestKit.VerifyAsync(new AndroidTestChain { CaKeyUsage = X509KeyUsageFlags.DigitalSignature });

        Assert.Equal("attestation_invalid", code);
        Assert.Contains("key usage", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APathLengthConstraintShorterThanTheChainIsRefused()
    {
        Assert.Equal("ok", (await AndroidTestKit.VerifyAsync(new AndroidTestChain { CaPathLength = 1 })).Code);

        var (code, detail) = await AndroidTestKit.VerifyAsync(new AndroidTestChain { CaPathLength = 0 });

        Assert.Equal("attestation_invalid", code);
        Assert.Contains("shorter path", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIntermediateThatIsNotValidYetIsRefused()
    {
        var (code, detail) = await AndroidTestKit.VerifyAsync(new AndroidTestChain(), at: new DateTimeOffset(2025, 12, 31, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal("attestation_invalid", code);
        Assert.Contains("not valid yet", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExpiredFactoryProvisionedIntermediateIsAccepted()
    {
        var chain = new AndroidTestChain { IntermediateNotAfter = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero) };

        Assert.Equal("ok", (await AndroidTestKit.VerifyAsync(chain)).Code);
    }

    [Fact]
    public async Task AnExpiredRemotelyProvisionedIntermediateIsRefused()
    {
        var chain = new AndroidTestChain
        {
            CaSubject = "CN=Droid CA3, O=Google LLC",
            IntermediateNotAfter = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero),
        };

        var (code, detail) = await AndroidTestKit.VerifyAsync(chain);

        Assert.Equal("attestation_invalid", code);
        Assert.Contains("has expired", detail, StringComparison.Ordinal);
        Assert.Equal("ok", (await AndroidTestKit.VerifyAsync(chain, at: new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero))).Code);
    }

    [Fact]
    public async Task AChainOfOneCertificateIsRefused()
    {
        var chain = new AndroidTestChain();
        var verifier = AndroidTestKit.Verifier(chain);

        var error = AndroidTestKit.Refusal(await verifier.VerifyChainAsync([chain.Build()[0]], chain.Challenge, AndroidTestKit.Policy(), AndroidTestKit.Now));

        Assert.Contains("2 to 10 certificates", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificatesInTheWrongOrderAreRefused()
    {
        var chain = new AndroidTestChain();
        var certificates = chain.Build().ToList();
        (certificates[1], certificates[2]) = (certificates[2], certificates[1]);

        var error = AndroidTestKit.Refusal(await AndroidTestKit.Verifier(chain).VerifyChainAsync(certificates, chain.Challenge, AndroidTestKit.Policy(), AndroidTestKit.Now));

        Assert.Contains("issuer", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void TheGoogleRootsArePinnedByTheKeysOfTheRootCertificates()
    {
        foreach (var (file, kind) in new[]
        {
            ("google-hw-attestation-root-rsa-2016-2026.pem", "google-rsa"),
            ("google-hw-attestation-root-rsa-2019-2034.pem", "google-rsa"),
            ("google-hw-attestation-root-rsa-2022-2042.pem", "google-rsa"),
            ("google-hw-attestation-root-ec-key-attestation-ca1.pem", "google-ec-ca1"),
        })
        {
            using var root = X509CertificateLoader.LoadCertificate(AndroidVectors.ReadPem(File.ReadAllText(Path.Combine(AndroidVectors.Folder, file)))[0]);
            var key = root.PublicKey.ExportSubjectPublicKeyInfo();
            var pinned = GoogleHardwareAttestationRoots.All.Single(r => CryptographicOperations.FixedTimeEquals(r.SubjectPublicKeyInfo, key));
            Assert.Equal(kind, pinned.Kind);
        }
    }

    [Fact]
    public void TheSoftwareAttestationRootKeyIsNotPinned()
    {
        using var root = X509CertificateLoader.LoadCertificate(AndroidVectors.ReadPem(File.ReadAllText(Path.Combine(AndroidVectors.Folder, "android-keystore-software-attestation-root-NOT-TRUSTED.pem")))[0]);
        var key = root.PublicKey.ExportSubjectPublicKeyInfo();

        Assert.DoesNotContain(GoogleHardwareAttestationRoots.All, r => r.SubjectPublicKeyInfo.AsSpan().SequenceEqual(key));
    }
}
