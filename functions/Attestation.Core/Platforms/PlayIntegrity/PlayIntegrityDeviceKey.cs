using System.Security.Cryptography;
using System.Text;
using Attestation.Core.Errors;
using Attestation.Core.Text;

namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// The optional <c>deviceKey</c> of a Play Integrity attestation (docs/api.md): the SubjectPublicKeyInfo of an Android
/// Keystore key that the app generated for this installation. The integrity token is then requested for
/// base64url(SHA-256(UTF-8 challenge ‖ SPKI)), so Google's verdict vouches for the key the device will refresh with, and
/// the device id is SHA-256 of the SPKI.
/// </summary>
/// <remarks>
/// Only the keys the Keystore makes and the refresh verifier checks are accepted: EC P-256, or RSA of 2048 to 4096 bits,
/// in the DER that <c>Key.getEncoded()</c> gives (named curve, uncompressed point; RSA with NULL parameters). Requiring
/// that one encoding gives each key exactly one device id.
/// </remarks>
public sealed class PlayIntegrityDeviceKey
{
    /// <summary>The longest <c>deviceKey</c> text read (an RSA-4096 SPKI is 550 bytes, 736 base64 characters).</summary>
    public const int MaxTextLength = 1024;

    /// <summary>The smallest RSA modulus accepted, in bits.</summary>
    public const int MinRsaKeySize = 2048;

    /// <summary>The largest RSA modulus accepted, in bits (the Keystore's largest).</summary>
    public const int MaxRsaKeySize = 4096;

    private const string NistP256Oid = "1.2.840.10045.3.1.7";

    private PlayIntegrityDeviceKey(byte[] subjectPublicKeyInfo)
    {
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
        DeviceId = Base64Flexible.ToBase64Url(SHA256.HashData(subjectPublicKeyInfo));
    }

    /// <summary>The key's SubjectPublicKeyInfo DER, as sent.</summary>
    public byte[] SubjectPublicKeyInfo { get; }

    /// <summary>docs/api.md's device id: base64url SHA-256 of <see cref="SubjectPublicKeyInfo"/>.</summary>
    public string DeviceId { get; }

    /// <summary>Reads the base64 text of a <c>deviceKey</c>.</summary>
    /// <exception cref="AttestationException"><c>invalid_request</c> when it is not an accepted key (see the remarks).</exception>
    public static PlayIntegrityDeviceKey Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxTextLength || !Base64Flexible.TryDecode(text, out var der) || !IsAcceptedKey(der))
        {
            throw AttestationException.InvalidRequest(
                $"evidence.deviceKey must be the base64 DER SubjectPublicKeyInfo of an EC P-256 or RSA {MinRsaKeySize}-{MaxRsaKeySize} bit key, at most {MaxTextLength} characters.");
        }

        return new PlayIntegrityDeviceKey(der);
    }

    /// <summary>
    /// The value the verdict's <c>requestHash</c> or <c>nonce</c> must carry for <paramref name="challenge"/>:
    /// base64url(SHA-256(UTF-8 bytes of the challenge ‖ SPKI bytes)), unpadded.
    /// </summary>
    public string RequestBinding(string challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(challenge));
        hash.AppendData(SubjectPublicKeyInfo);
        return Base64Flexible.ToBase64Url(hash.GetHashAndReset());
    }

    private static bool IsAcceptedKey(byte[] der)
    {
        if (der.Length == 0)
        {
            return false;
        }

        // The DER must be exactly one SPKI of an accepted key and re-encode to the same bytes.
        try
        {
            using var ec = ECDsa.Create();
            ec.ImportSubjectPublicKeyInfo(der, out var read);
            return read == der.Length
                && ec.ExportParameters(false).Curve.Oid?.Value == NistP256Oid
                && ec.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(der);
        }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException)
        {
            // Not an EC key this platform reads; perhaps RSA.
        }

        try
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(der, out var read);
            return read == der.Length
                && rsa.KeySize is >= MinRsaKeySize and <= MaxRsaKeySize
                && rsa.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(der);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
