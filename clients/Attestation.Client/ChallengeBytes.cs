using System.Security.Cryptography;
using System.Text;

namespace Attestation.Client;

/// <summary>
/// Where a challenge goes in each platform's evidence (docs/api.md, "Challenge bytes"), computed once here so that every
/// provider binds the same way.
/// </summary>
public static class ChallengeBytes
{
    /// <summary>The challenge's UTF-8 bytes: Android's <c>attestationChallenge</c>, and what a refresh signature signs.</summary>
    public static byte[] Utf8(string challenge)
    {
        ArgumentException.ThrowIfNullOrEmpty(challenge);
        return Encoding.UTF8.GetBytes(challenge);
    }

    /// <summary>App Attest's <c>clientDataHash</c>: SHA-256 of the challenge's UTF-8 bytes, for attestation and assertions.</summary>
    public static byte[] ClientDataHash(string challenge) => SHA256.HashData(Utf8(challenge));

    /// <summary>
    /// Play Integrity's <c>requestHash</c> (or classic <c>nonce</c>): the challenge itself, or with a device key
    /// base64url(SHA-256(UTF-8 challenge bytes || SubjectPublicKeyInfo bytes)).
    /// </summary>
    public static string PlayIntegrityRequestHash(string challenge, ReadOnlySpan<byte> deviceKey = default)
    {
        if (deviceKey.IsEmpty)
        {
            ArgumentException.ThrowIfNullOrEmpty(challenge);
            return challenge;
        }

        var challengeBytes = Utf8(challenge);
        var joined = new byte[challengeBytes.Length + deviceKey.Length];
        challengeBytes.CopyTo(joined, 0);
        deviceKey.CopyTo(joined.AsSpan(challengeBytes.Length));
        return Base64Url.Encode(SHA256.HashData(joined));
    }

    /// <summary>
    /// The <c>binding</c> of a token to a value the app chooses (for example its <c>Authorization</c> header):
    /// base64url(SHA-256(UTF-8 value)). Only the hash leaves the device.
    /// </summary>
    public static string Binding(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
    }
}
