using System.Formats.Asn1;
using System.Security.Cryptography;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.PlayIntegrity;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.PlayIntegrity;

/// <summary>The <c>deviceKey</c> of a Play Integrity attestation: which keys are read, and what they bind and name.</summary>
public sealed class PlayIntegrityDeviceKeyTests
{
    [Fact]
    public void AnEcP256KeyIsReadAndNamedBySha256OfItsSpki()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = key.ExportSubjectPublicKeyInfo();

        var read = PlayIntegrityDeviceKey.Read(Convert.ToBase64String(spki));

        Assert.Equal(spki, read.SubjectPublicKeyInfo);
        Assert.Equal(Base64Url(SHA256.HashData(spki)), read.DeviceId);
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(4096)]
    public void AnRsaKeyOf2048To4096BitsIsRead(int bits)
    {
        using var key = RSA.Create(bits);
        var spki = key.ExportSubjectPublicKeyInfo();

        Assert.Equal(spki, PlayIntegrityDeviceKey.Read(Base64Url(spki)).SubjectPublicKeyInfo);
    }

    [Fact]
    public void TheRequestBindingIsTheContractsHashOfTheChallengeAndTheKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = key.ExportSubjectPublicKeyInfo();
        const string Challenge = "q4Ht4Ue9JYuEHY3Yjb5GwL8Yz8w1m7cM1mR0Xe1gJ1Q";

        Assert.Equal(PlayIntegrityTokenFactory.DeviceKeyBinding(Challenge, spki), PlayIntegrityDeviceKey.Read(Base64Url(spki)).RequestBinding(Challenge));
    }

    public static TheoryData<string, string> RefusedKeys()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa1024 = RSA.Create(1024);
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = p256.ExportSubjectPublicKeyInfo();
        using var explicitCurve = ECDsa.Create(p256.ExportExplicitParameters(false));
        return new TheoryData<string, string>
        {
            { "not base64", "%%%not base64%%%" },
            { "random bytes", Base64Url(RandomNumberGenerator.GetBytes(91)) },
            { "a P-384 key", Base64Url(p384.ExportSubjectPublicKeyInfo()) },
            { "an RSA-1024 key", Base64Url(rsa1024.ExportSubjectPublicKeyInfo()) },
            { "a P-256 key on an explicit curve", Base64Url(explicitCurve.ExportSubjectPublicKeyInfo()) },
            { "a key with bytes after it", Base64Url([.. spki, 0x00]) },
            { "a truncated key", Base64Url(spki[..^1]) },
            { "a certificate's worth of text", new string('A', PlayIntegrityDeviceKey.MaxTextLength + 4) },
            { "an empty SEQUENCE", Base64Url(EmptySequence()) },
        };
    }

    [Theory]
    [MemberData(nameof(RefusedKeys))]
    public void AnythingButAnAcceptedKeyIsAnInvalidRequest(string why, string text)
    {
        var refusal = Assert.Throws<AttestationException>(() => PlayIntegrityDeviceKey.Read(text));

        Assert.True(refusal.Code == AttestationErrorCode.InvalidRequest, why);
        Assert.Contains("deviceKey", refusal.Detail, StringComparison.Ordinal);
    }

    private static byte[] EmptySequence()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.PopSequence();
        return writer.Encode();
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
