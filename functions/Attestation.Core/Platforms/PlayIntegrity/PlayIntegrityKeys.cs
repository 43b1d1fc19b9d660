using System.Security.Cryptography;
using Attestation.Core.Text;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// An app's two Play Console keys for classic integrity tokens: the decryption key (AES-256, for the A256KW key wrap) and
/// the verification key (EC P-256 public key, for the ES256 signature). Built once per key pair and shared across requests.
/// </summary>
public sealed class PlayIntegrityKeys : IDisposable
{
    private const int DecryptionKeyLength = 32;
    private readonly ECDsa _verification;
    private readonly CryptoProviderFactory _providers;

    private PlayIntegrityKeys(byte[] decryptionKey, ECDsa verification)
    {
        DecryptionKey = new SymmetricSecurityKey(decryptionKey);
        _verification = verification;
        // The shared default factory caches signature providers by the key's thumbprint, so after one instance of a key
        // is disposed, another instance of the same key would be verified with the disposed one. This key keeps its own
        // factory, whose cache lives and dies with it.
        _providers = new CryptoProviderFactory();
        VerificationKey = new ECDsaSecurityKey(verification) { CryptoProviderFactory = _providers };
    }

    /// <summary>The decryption key, as a key of Microsoft.IdentityModel.</summary>
    public SymmetricSecurityKey DecryptionKey { get; }

    /// <summary>The verification key, as a key of Microsoft.IdentityModel.</summary>
    public ECDsaSecurityKey VerificationKey { get; }

    /// <summary>Builds the keys from their bytes.</summary>
    /// <exception cref="ArgumentException">The decryption key is not 32 bytes, or the verification key is not a P-256 SubjectPublicKeyInfo.</exception>
    public static PlayIntegrityKeys Create(ReadOnlySpan<byte> decryptionKey, ReadOnlySpan<byte> verificationKeySpki)
    {
        if (decryptionKey.Length != DecryptionKeyLength)
        {
            throw new ArgumentException($"The decryption key must be {DecryptionKeyLength} bytes (AES-256).", nameof(decryptionKey));
        }

        var verification = ECDsa.Create();
        try
        {
            verification.ImportSubjectPublicKeyInfo(verificationKeySpki, out var read);
            var curve = verification.ExportParameters(false).Curve;
            if (read != verificationKeySpki.Length || !curve.IsNamed || curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                throw new ArgumentException("The verification key must be an EC P-256 SubjectPublicKeyInfo.", nameof(verificationKeySpki));
            }
        }
        catch (CryptographicException e)
        {
            verification.Dispose();
            throw new ArgumentException("The verification key is not a DER SubjectPublicKeyInfo.", nameof(verificationKeySpki), e);
        }
        catch (ArgumentException)
        {
            verification.Dispose();
            throw;
        }

        return new PlayIntegrityKeys(decryptionKey.ToArray(), verification);
    }

    /// <summary>Builds the keys from base64 text, as the Play Console shows them and the secret store holds them.</summary>
    /// <exception cref="ArgumentException">Either text is not base64 of a valid key.</exception>
    public static PlayIntegrityKeys FromBase64(string decryptionKey, string verificationKey)
    {
        if (!Base64Flexible.TryDecode(decryptionKey?.Trim(), out var decryption))
        {
            throw new ArgumentException("The decryption key is not base64.", nameof(decryptionKey));
        }

        if (!Base64Flexible.TryDecode(verificationKey?.Trim(), out var verification))
        {
            throw new ArgumentException("The verification key is not base64.", nameof(verificationKey));
        }

        return Create(decryption, verification);
    }

    public void Dispose()
    {
        (_providers.CryptoProviderCache as IDisposable)?.Dispose();
        _verification.Dispose();
    }
}
