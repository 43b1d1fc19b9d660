using System.Security.Cryptography;
using System.Text;
using Attestation.Core.Errors;
using Attestation.Core.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// A classic Play Integrity token, decrypted and verified locally with the app's Play Console keys
/// (https://developer.android.com/google/play/integrity/classic#decrypt-verify): a compact JWE (RFC 7516; key wrap
/// A256KW, content encryption A256GCM) whose plaintext is a compact JWS (RFC 7515; ES256) whose payload is the verdict.
/// </summary>
/// <remarks>
/// Microsoft.IdentityModel parses both layers, unwraps the content key (its <see cref="SymmetricKeyWrapProvider"/>) and checks
/// the signature (<see cref="JsonWebTokenHandler"/>). The one step it cannot do here is A256GCM: version 8.23 decrypts
/// AES-GCM JWEs only through Windows BCrypt and fails on Linux, where this backend runs. That step uses the platform's own
/// <see cref="System.Security.Cryptography.AesGcm"/>, with the additional data RFC 7516 §5.2 step 14 defines. jose-jwt would do the whole JWE, but it
/// would add a second JOSE library beside the one the token code already uses, for one call.
/// </remarks>
public static class ClassicIntegrityToken
{
    /// <summary>The longest token accepted; real classic tokens are a few kilobytes.</summary>
    public const int MaxLength = 32 * 1024;

    private const int ContentKeyLength = 32;
    private const int WrappedKeyLength = ContentKeyLength + 8;
    private const int IvLength = 12;
    private const int TagLength = 16;

    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>True when <paramref name="token"/> has the shape of a compact JWE: five dot-separated base64url parts.</summary>
    public static bool LooksLikeJwe(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return token.Count(c => c == '.') == 4;
    }

    /// <summary>Decrypts and verifies <paramref name="token"/> and reads its verdict (which is then still to be checked).</summary>
    /// <exception cref="AttestationException"><c>attestation_invalid</c> when the token is malformed, does not decrypt, or its signature does not verify.</exception>
    public static async Task<IntegrityVerdict> DecryptAndVerifyAsync(string token, PlayIntegrityKeys keys)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(keys);
        var jws = Decrypt(token, keys);
        var payload = await VerifySignatureAsync(jws, keys).ConfigureAwait(false);
        return IntegrityVerdict.Parse(payload);
    }

    /// <summary>
    /// Splits <paramref name="token"/> at its dots; false unless every part is empty or base64url text (the shape of every
    /// compact JWS and JWE, checked before any parser sees the text).
    /// </summary>
    public static bool TrySplitBase64UrlParts(string token, out string[] parts)
    {
        ArgumentNullException.ThrowIfNull(token);
        parts = token.Split('.');
        return parts.All(p => p.Length == 0 || Base64Flexible.IsBase64UrlText(p, MaxLength));
    }

    /// <summary>The JWE layer: the compact JWS inside <paramref name="token"/>.</summary>
    /// <exception cref="AttestationException"><c>attestation_invalid</c>.</exception>
    public static string Decrypt(string token, PlayIntegrityKeys keys)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(keys);

        // RFC 7516 §7.1: five base64url parts. Checked before any parser sees the text.
        if (token.Length > MaxLength || !LooksLikeJwe(token) || !TrySplitBase64UrlParts(token, out var parts))
        {
            throw Invalid("The integrity token is not a compact JWE.");
        }

        JsonWebToken jwe;
        try
        {
            jwe = new JsonWebToken(token);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException or FormatException or System.Text.Json.JsonException)
        {
            throw Invalid("The integrity token's JWE header is malformed.");
        }

        // §5.2 steps 3-4: the algorithms Play Integrity uses, and nothing that changes how the plaintext is read.
        if (!jwe.IsEncrypted || jwe.Alg != SecurityAlgorithms.Aes256KW || jwe.Enc != SecurityAlgorithms.Aes256Gcm
            || !string.IsNullOrEmpty(jwe.Zip) || jwe.TryGetHeaderValue<object>("crit", out _))
        {
            throw Invalid("The integrity token is not an A256KW/A256GCM JWE.");
        }

        // §5.2 step 2: the other four parts, in compact order (header, encrypted key, IV, ciphertext, tag).
        if (!TryDecode(parts[1], WrappedKeyLength, out var wrappedKey)
            || !TryDecode(parts[2], IvLength, out var iv)
            || !TryDecode(parts[4], TagLength, out var tag)
            || !Base64Flexible.TryDecode(parts[3], out var ciphertext))
        {
            throw Invalid("The integrity token's JWE parts have the wrong sizes.");
        }

        // §5.2 steps 9-10: unwrap the content encryption key (RFC 3394 key wrap, integrity-checked).
        byte[] contentKey;
        try
        {
            using var unwrap = new SymmetricKeyWrapProvider(keys.DecryptionKey, SecurityAlgorithms.Aes256KW);
            contentKey = unwrap.UnwrapKey(wrappedKey);
        }
        catch (Exception e) when (e is SecurityTokenKeyWrapException or CryptographicException or ArgumentException)
        {
            throw Invalid("The integrity token does not decrypt with the app's decryption key.");
        }

        // §5.2 steps 14-16: AES-GCM over the ciphertext, authenticated with ASCII(BASE64URL(protected header)).
        var plaintext = new byte[ciphertext.Length];
        try
        {
            using var gcm = new System.Security.Cryptography.AesGcm(contentKey, TagLength);
            gcm.Decrypt(iv, ciphertext, tag, plaintext, Encoding.ASCII.GetBytes(parts[0]));
        }
        catch (CryptographicException)
        {
            throw Invalid("The integrity token fails AES-GCM authentication: it was altered or encrypted with another key.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contentKey);
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(plaintext);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid("The integrity token's plaintext is not a JWS.");
        }
    }

    /// <summary>The JWS layer: checks the ES256 signature with the verification key and returns the payload bytes.</summary>
    /// <exception cref="AttestationException"><c>attestation_invalid</c>.</exception>
    public static async Task<byte[]> VerifySignatureAsync(string jws, PlayIntegrityKeys keys)
    {
        ArgumentNullException.ThrowIfNull(jws);
        ArgumentNullException.ThrowIfNull(keys);
        if (jws.Count(c => c == '.') != 2)
        {
            throw Invalid("The integrity token's plaintext is not a compact JWS.");
        }

        TokenValidationResult result;
        try
        {
            result = await Handler.ValidateTokenAsync(jws, new TokenValidationParameters
            {
                IssuerSigningKey = keys.VerificationKey,
                TryAllIssuerSigningKeys = true,
                ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
                RequireSignedTokens = true,

                // A verdict has no iss, aud or exp: its binding and freshness are requestDetails, checked by the verdict rules.
                ValidateIssuer = false,
                ValidateAudience = false,
                ValidateLifetime = false,
                RequireExpirationTime = false,
                ValidateIssuerSigningKey = false,
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException or FormatException or System.Text.Json.JsonException or CryptographicException)
        {
            throw Invalid("The integrity token's signature does not verify.");
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken signed || !Base64Flexible.TryDecode(signed.EncodedPayload, out var payload))
        {
            throw Invalid("The integrity token's signature does not verify with the app's verification key.");
        }

        return payload;
    }

    private static bool TryDecode(string? part, int length, out byte[] bytes) =>
        Base64Flexible.TryDecode(part, out bytes) && bytes.Length == length;

    private static AttestationException Invalid(string detail) => new(AttestationErrorCode.AttestationInvalid, detail);
}
