using Microsoft.IdentityModel.Tokens;

namespace Attestation.Core.Tokens;

/// <summary>
/// One version of the HS256 signing secret. The secret is the base64 text of at least 32 random bytes (the form API
/// Management's validate-jwt takes too); <see cref="Version"/> is the token's <c>kid</c>.
/// </summary>
public sealed class SigningKey
{
    /// <summary>RFC 7518 §3.2: an HS256 key must be at least as long as the hash output, 256 bits.</summary>
    public const int MinimumLength = 32;

    public SigningKey(string version, byte[] secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < MinimumLength)
        {
            throw new ArgumentException($"A signing secret must have at least {MinimumLength} bytes.", nameof(secret));
        }

        Version = version;
        SecurityKey = new SymmetricSecurityKey(secret) { KeyId = version };
    }

    public string Version { get; }

    internal SymmetricSecurityKey SecurityKey { get; }

    /// <summary>Reads a secret stored as base64; null when it is not base64 of at least <see cref="MinimumLength"/> bytes.</summary>
    public static SigningKey? FromBase64(string version, string? base64Secret)
    {
        if (string.IsNullOrWhiteSpace(base64Secret) || !Text.Base64Flexible.TryDecode(base64Secret.Trim(), out var bytes) || bytes.Length < MinimumLength)
        {
            return null;
        }

        return new SigningKey(version, bytes);
    }

    /// <summary>Never the secret: this type is logged by accident sooner or later.</summary>
    public override string ToString() => $"SigningKey(version {Version})";
}
