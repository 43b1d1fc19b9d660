using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.TestSupport;

/// <summary>
/// Makes classic Play Integrity tokens the way Google does (a JWS ES256 of the verdict, inside a JWE A256KW + A256GCM),
/// under throwaway keys generated for one test run. The backend only sees these keys through test configuration.
/// </summary>
public sealed class PlayIntegrityTokenFactory : IDisposable
{
    private readonly ECDsa _signingKey;

    public PlayIntegrityTokenFactory()
    {
        DecryptionKey = RandomNumberGenerator.GetBytes(32);
        _signingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        VerificationKey = _signingKey.ExportSubjectPublicKeyInfo();
    }

    /// <summary>The AES-256 key (the Play Console "decryption key").</summary>
    public byte[] DecryptionKey { get; }

    /// <summary>DER SubjectPublicKeyInfo of the signing key (the Play Console "verification key").</summary>
    public byte[] VerificationKey { get; }

    public string DecryptionKeyBase64 => Convert.ToBase64String(DecryptionKey);

    public string VerificationKeyBase64 => Convert.ToBase64String(VerificationKey);

    /// <summary>A verdict payload as Google writes it, with the given values; <paramref name="timestamp"/> as a JSON string.</summary>
    public static JsonObject Verdict(
        string packageName,
        string? nonce,
        DateTimeOffset timestamp,
        string certificateDigest,
        string appRecognition = "PLAY_RECOGNIZED",
        string[]? deviceVerdicts = null,
        string licensing = "LICENSED",
        string? requestHash = null)
    {
        var request = new JsonObject
        {
            ["requestPackageName"] = packageName,
            ["timestampMillis"] = timestamp.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (nonce is not null)
        {
            request["nonce"] = nonce;
        }

        if (requestHash is not null)
        {
            request["requestHash"] = requestHash;
        }

        return new JsonObject
        {
            ["requestDetails"] = request,
            ["appIntegrity"] = new JsonObject
            {
                ["appRecognitionVerdict"] = appRecognition,
                ["packageName"] = packageName,
                ["certificateSha256Digest"] = new JsonArray(certificateDigest),
                ["versionCode"] = "42",
            },
            ["deviceIntegrity"] = new JsonObject
            {
                ["deviceRecognitionVerdict"] = new JsonArray([.. (deviceVerdicts ?? ["MEETS_DEVICE_INTEGRITY"]).Select(v => (JsonNode)v)]),
            },
            ["accountDetails"] = new JsonObject { ["appLicensingVerdict"] = licensing },
        };
    }

    /// <summary>
    /// docs/api.md's request binding of a device key, computed here from the contract's words so that tests do not rely on the
    /// backend's own: base64url(SHA-256(UTF-8 bytes of the challenge ‖ SubjectPublicKeyInfo bytes)), unpadded.
    /// </summary>
    public static string DeviceKeyBinding(string challenge, byte[] subjectPublicKeyInfo) =>
        Convert.ToBase64String(SHA256.HashData([.. Encoding.UTF8.GetBytes(challenge), .. subjectPublicKeyInfo]))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Signs <paramref name="payload"/> with this factory's key and encrypts it under its decryption key.</summary>
    public string CreateToken(JsonObject payload) => Encrypt(Sign(payload.ToJsonString(), _signingKey), DecryptionKey);

    /// <summary>A compact JWS ES256 of <paramref name="payloadJson"/>.</summary>
    public static string Sign(string payloadJson, ECDsa key) =>
        new JsonWebTokenHandler().CreateToken(payloadJson, new SigningCredentials(new ECDsaSecurityKey(key), SecurityAlgorithms.EcdsaSha256));

    /// <summary>A compact JWE (A256KW, A256GCM) of <paramref name="plaintext"/> under <paramref name="keyEncryptionKey"/>.</summary>
    public static string Encrypt(string plaintext, byte[] keyEncryptionKey)
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"A256KW","enc":"A256GCM"}""");
        var contentKey = RandomNumberGenerator.GetBytes(32);
        using var wrap = new SymmetricKeyWrapProvider(new SymmetricSecurityKey(keyEncryptionKey), SecurityAlgorithms.Aes256KW);
        var wrapped = wrap.WrapKey(contentKey);
        var iv = RandomNumberGenerator.GetBytes(12);
        var data = Encoding.UTF8.GetBytes(plaintext);
        var ciphertext = new byte[data.Length];
        var tag = new byte[16];
        using (var gcm = new System.Security.Cryptography.AesGcm(contentKey, 16))
        {
            gcm.Encrypt(iv, data, ciphertext, tag, Encoding.ASCII.GetBytes(header));
        }

        return string.Join('.', header, Base64UrlEncoder.Encode(wrapped), Base64UrlEncoder.Encode(iv), Base64UrlEncoder.Encode(ciphertext), Base64UrlEncoder.Encode(tag));
    }

    public void Dispose() => _signingKey.Dispose();
}
