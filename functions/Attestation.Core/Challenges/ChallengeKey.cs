using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Attestation.Core.Challenges;

/// <summary>
/// One version of the challenge key: the HMAC-SHA256 key that seals challenges, so that the backend can check a challenge
/// it issued without having stored it. A challenge names its key by <see cref="KeyId"/>, four bytes derived from the
/// version, so redeeming looks the key up instead of trying every key.
/// </summary>
public sealed class ChallengeKey
{
    /// <summary>RFC 2104 §3: a key shorter than the hash output (32 bytes for SHA-256) weakens the MAC.</summary>
    public const int MinimumLength = 32;

    private readonly byte[] _secret;

    public ChallengeKey(string version, byte[] secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < MinimumLength)
        {
            throw new ArgumentException($"A challenge key must have at least {MinimumLength} bytes.", nameof(secret));
        }

        Version = version;
        KeyId = KeyIdOf(version);
        _secret = (byte[])secret.Clone();
    }

    /// <summary>The version (the Key Vault secret version, or the configured name).</summary>
    public string Version { get; }

    /// <summary>The first four bytes of SHA-256(UTF-8 version): short enough for the challenge, and no secret.</summary>
    public uint KeyId { get; }

    /// <summary>The key id of <paramref name="version"/>.</summary>
    public static uint KeyIdOf(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(version), hash);
        return BinaryPrimitives.ReadUInt32BigEndian(hash);
    }

    /// <summary>Reads a key stored as base64; null when it is not base64 of at least <see cref="MinimumLength"/> bytes.</summary>
    public static ChallengeKey? FromBase64(string version, string? base64Secret)
    {
        if (string.IsNullOrWhiteSpace(base64Secret) || !Text.Base64Flexible.TryDecode(base64Secret.Trim(), out var bytes) || bytes.Length < MinimumLength)
        {
            return null;
        }

        return new ChallengeKey(version, bytes);
    }

    /// <summary>HMAC-SHA256 over <paramref name="sealedFields"/> followed by the UTF-8 bytes of <paramref name="appId"/>.</summary>
    internal void ComputeMac(ReadOnlySpan<byte> sealedFields, string appId, Span<byte> mac)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _secret);
        hmac.AppendData(sealedFields);
        hmac.AppendData(Encoding.UTF8.GetBytes(appId));
        hmac.GetHashAndReset(mac);
    }

    /// <summary>Never the secret: this type is logged by accident sooner or later.</summary>
    public override string ToString() => $"ChallengeKey(version {Version})";
}
