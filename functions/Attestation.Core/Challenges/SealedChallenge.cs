using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Attestation.Core.Challenges;

/// <summary>
/// The challenge's wire form: a stateless, sealed value, so issuing one stores nothing (docs/api.md, POST /api/v1/challenge).
/// Bytes, then base64url without padding (103 characters, within the contract's 128):
/// <code>
/// [0]       format version (1)
/// [1..5)    key id of the challenge key that sealed it, big-endian
/// [5..13)   expiry, Unix seconds, big-endian
/// [13..45)  32 random bytes: what makes it unique, and the used marker's key
/// [45..77)  HMAC-SHA256 over bytes [0..45) followed by the UTF-8 app id
/// </code>
/// The app id is sealed but not carried: redeeming knows it, and a challenge presented for another app fails the MAC.
/// Clients treat the text as opaque.
/// </summary>
public readonly struct SealedChallenge
{
    public const byte FormatVersion = 1;
    public const int RandomLength = 32;
    public const int MacLength = HMACSHA256.HashSizeInBytes;
    private const int KeyIdOffset = 1;
    private const int ExpiryOffset = KeyIdOffset + sizeof(uint);
    private const int RandomOffset = ExpiryOffset + sizeof(long);
    private const int MacOffset = RandomOffset + RandomLength;
    private const int ByteLength = MacOffset + MacLength;

    /// <summary>The length of every challenge text.</summary>
    public static readonly int TextLength = Base64Url.GetEncodedLength(ByteLength);

    private readonly byte[] _bytes;

    private SealedChallenge(byte[] bytes) => _bytes = bytes;

    /// <summary>The id of the key that sealed it (not yet checked).</summary>
    public uint KeyId => BinaryPrimitives.ReadUInt32BigEndian(_bytes.AsSpan(KeyIdOffset));

    /// <summary>When it stops being accepted (not yet checked).</summary>
    public DateTimeOffset ExpiresAt => DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(_bytes.AsSpan(ExpiryOffset)));

    /// <summary>The random part in base64url: unique per challenge, so it names the challenge's used marker.</summary>
    public string Id => Base64Url.EncodeToString(_bytes.AsSpan(RandomOffset, RandomLength));

    /// <summary>Seals a new challenge for <paramref name="appId"/> with <paramref name="key"/>.</summary>
    public static string Seal(ChallengeKey key, string appId, DateTimeOffset expiresAt)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(appId);
        Span<byte> bytes = stackalloc byte[ByteLength];
        bytes[0] = FormatVersion;
        BinaryPrimitives.WriteUInt32BigEndian(bytes[KeyIdOffset..], key.KeyId);
        BinaryPrimitives.WriteInt64BigEndian(bytes[ExpiryOffset..], expiresAt.ToUnixTimeSeconds());
        RandomNumberGenerator.Fill(bytes.Slice(RandomOffset, RandomLength));
        key.ComputeMac(bytes[..MacOffset], appId, bytes[MacOffset..]);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>
    /// Reads the text of a challenge, without checking its seal: false unless it is exactly the canonical base64url form of
    /// a challenge of this format. Anything else was never issued; refusing it here also keeps client text out of storage.
    /// </summary>
    public static bool TryRead(string? text, out SealedChallenge challenge)
    {
        challenge = default;
        if (text is null || text.Length != TextLength || !Base64Url.IsValid(text, out var decodedLength) || decodedLength != ByteLength)
        {
            return false;
        }

        var bytes = new byte[ByteLength];
        if (Base64Url.DecodeFromChars(text, bytes) != ByteLength || bytes[0] != FormatVersion)
        {
            return false;
        }

        // Base64 leaves two spare bits in the last character, which decoders ignore: a second text for the same bytes would
        // be a second challenge string to the evidence. Only the encoding the backend emits is accepted.
        if (!string.Equals(Base64Url.EncodeToString(bytes), text, StringComparison.Ordinal))
        {
            return false;
        }

        challenge = new SealedChallenge(bytes);
        return true;
    }

    /// <summary>Whether <paramref name="key"/> sealed this challenge for <paramref name="appId"/>, compared in constant time.</summary>
    public bool IsSealedBy(ChallengeKey key, string appId)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(appId);
        Span<byte> expected = stackalloc byte[MacLength];
        key.ComputeMac(_bytes.AsSpan(0, MacOffset), appId, expected);
        return CryptographicOperations.FixedTimeEquals(expected, _bytes.AsSpan(MacOffset, MacLength));
    }
}
