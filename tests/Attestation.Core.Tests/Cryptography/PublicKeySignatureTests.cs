using System.Security.Cryptography;
using Attestation.Core.Cryptography;

namespace Attestation.Core.Tests.Cryptography;

public sealed class PublicKeySignatureTests
{
    private static readonly byte[] Data = "signed bytes"u8.ToArray();

    [Fact]
    public void TheKeptKeyGivesTheAnswerOfAFreshImport()
    {
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = signer.ExportSubjectPublicKeyInfo();
        var signature = signer.SignData(Data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var tampered = signature.ToArray();
        tampered[^1] ^= 1;

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Fresh(spki, Data, signature), PublicKeySignature.VerifyData(spki, PublicKeyAlgorithm.Ecdsa, Data, signature, HashAlgorithmName.SHA256));
            Assert.Equal(Fresh(spki, Data, tampered), PublicKeySignature.VerifyData(spki, PublicKeyAlgorithm.Ecdsa, Data, tampered, HashAlgorithmName.SHA256));
            Assert.Equal(Fresh(spki, "other"u8.ToArray(), signature), PublicKeySignature.VerifyData(spki, PublicKeyAlgorithm.Ecdsa, "other"u8, signature, HashAlgorithmName.SHA256));
        }

        Assert.True(PublicKeySignature.VerifyData(spki, PublicKeyAlgorithm.Ecdsa, Data, signature, HashAlgorithmName.SHA256));
        Assert.False(PublicKeySignature.VerifyData(spki, PublicKeyAlgorithm.Ecdsa, Data, tampered, HashAlgorithmName.SHA256));
    }

    [Fact]
    public void AnRsaKeyVerifiesPkcs1SignaturesAndNoEcdsaOnes()
    {
        using var signer = RSA.Create(2048);
        var spki = signer.ExportSubjectPublicKeyInfo();
        var signature = signer.SignData(Data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        Assert.Equal(PublicKeyAlgorithm.Rsa, PublicKeySignature.AlgorithmOf(spki));
        Assert.True(PublicKeySignature.VerifyData(spki, PublicKeyAlgorithm.Rsa, Data, signature, HashAlgorithmName.SHA256));
        Assert.False(PublicKeySignature.VerifyData(spki, PublicKeyAlgorithm.Ecdsa, Data, signature, HashAlgorithmName.SHA256));
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x00 })]
    public void BytesThatAreNotAKeyThrowOnEveryCall(byte[] notAKey)
    {
        Assert.Throws<CryptographicException>(() => PublicKeySignature.AlgorithmOf(notAKey));
        Assert.Throws<CryptographicException>(() => PublicKeySignature.VerifyData(notAKey, PublicKeyAlgorithm.Ecdsa, Data, [0x30, 0x00], HashAlgorithmName.SHA256));
    }

    [Fact]
    public void AFloodOfDistinctKeysLeavesTheCacheAtItsBound()
    {
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signature = signer.SignData(Data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var otherKey = other.ExportSubjectPublicKeyInfo();

        // Distinct byte strings that each import (bytes after the SubjectPublicKeyInfo are not read), so each is a new entry.
        for (var i = 0; i < PublicKeySignature.CacheCapacity + 256; i++)
        {
            Assert.False(PublicKeySignature.VerifyData([.. otherKey, .. BitConverter.GetBytes(i)], PublicKeyAlgorithm.Ecdsa, Data, signature, HashAlgorithmName.SHA256));
        }

        Assert.True(PublicKeySignature.CachedKeyCount <= PublicKeySignature.CacheCapacity);
        Assert.True(PublicKeySignature.VerifyData(signer.ExportSubjectPublicKeyInfo(), PublicKeyAlgorithm.Ecdsa, Data, signature, HashAlgorithmName.SHA256));
    }

    [Fact]
    public async Task ManyThreadsVerifyingWithOneKeyEachGetTheRightAnswer()
    {
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var spki = signer.ExportSubjectPublicKeyInfo();
        var messages = Enumerable.Range(0, 16).Select(i => RandomNumberGenerator.GetBytes(32 + i)).ToArray();
        var signatures = messages.Select(m => signer.SignData(m, HashAlgorithmName.SHA384, DSASignatureFormat.Rfc3279DerSequence)).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(t => Task.Run(() =>
        {
            var correct = true;
            for (var i = 0; i < 40; i++)
            {
                var m = (t + i) % messages.Length;
                correct &= PublicKeySignature.VerifyData(spki, PublicKeyAlgorithm.Ecdsa, messages[m], signatures[m], HashAlgorithmName.SHA384);
                correct &= !PublicKeySignature.VerifyData(spki, PublicKeyAlgorithm.Ecdsa, messages[(m + 1) % messages.Length], signatures[m], HashAlgorithmName.SHA384);
            }

            return correct;
        })));

        Assert.All(results, Assert.True);
    }

    private static bool Fresh(byte[] spki, byte[] data, byte[] signature)
    {
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(spki, out _);
        return key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }
}
