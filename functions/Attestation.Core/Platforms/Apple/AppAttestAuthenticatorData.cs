using System.Buffers.Binary;

namespace Attestation.Core.Platforms.Apple;

/// <summary>
/// The authenticator data of an App Attest attestation or assertion, in the WebAuthn layout
/// (https://www.w3.org/TR/webauthn-2/#sctn-authenticator-data): rpIdHash (32), flags (1), signCount (4, big endian), then,
/// when the AT flag is set, aaguid (16), credentialIdLength (2, big endian) and credentialId.
/// Only these fields are read. What follows them (the COSE credential public key, extension maps, and the bytes Apple's
/// 2026 sample carries with the ED flag clear) is left unparsed: every check that matters covers the bytes as received
/// (the nonce and the assertion signature), and the key itself comes from the credential certificate.
/// </summary>
public sealed class AppAttestAuthenticatorData
{
    /// <summary>The AT flag (bit 6): attested credential data follows the counter.</summary>
    public const byte AttestedCredentialDataFlag = 0x40;

    private const int FixedLength = 32 + 1 + 4;
    private const int AaguidLength = 16;

    private AppAttestAuthenticatorData(byte[] rpIdHash, byte flags, uint signCount, byte[]? aaguid, byte[]? credentialId)
    {
        RpIdHash = rpIdHash;
        Flags = flags;
        SignCount = signCount;
        Aaguid = aaguid;
        CredentialId = credentialId;
    }

    /// <summary>SHA-256 of the App ID (<c>TEAMID.bundleId</c>).</summary>
    public byte[] RpIdHash { get; }

    /// <summary>The flags byte.</summary>
    public byte Flags { get; }

    /// <summary>The signature counter: 0 in an attestation, then the number of assertions the key has made.</summary>
    public uint SignCount { get; }

    /// <summary>The aaguid (<c>appattestdevelop</c> or <c>appattest</c> and seven zero bytes), when the AT flag is set.</summary>
    public byte[]? Aaguid { get; }

    /// <summary>The credential id (App Attest: the key id), when the AT flag is set.</summary>
    public byte[]? CredentialId { get; }

    /// <summary>
    /// Reads only rpIdHash, flags and counter: what an assertion needs. Whatever follows (attested credential data when the
    /// AT flag is set, an extension map) is not parsed, so it cannot make a genuine assertion fail.
    /// </summary>
    /// <exception cref="FormatException">The data is shorter than those fields.</exception>
    public static AppAttestAuthenticatorData ReadHeader(ReadOnlySpan<byte> data)
    {
        if (data.Length < FixedLength)
        {
            throw new FormatException($"authenticator data has {data.Length} bytes, fewer than the {FixedLength} of rpIdHash, flags and counter.");
        }

        return new AppAttestAuthenticatorData(data[..32].ToArray(), data[32], BinaryPrimitives.ReadUInt32BigEndian(data[33..37]), null, null);
    }

    /// <summary>Reads authenticator data; bytes after the fields above are allowed and ignored.</summary>
    /// <exception cref="FormatException">The data is shorter than its fields say.</exception>
    public static AppAttestAuthenticatorData Read(ReadOnlySpan<byte> data)
    {
        var header = ReadHeader(data);
        if ((header.Flags & AttestedCredentialDataFlag) == 0)
        {
            return header;
        }

        var rest = data[FixedLength..];
        if (rest.Length < AaguidLength + 2)
        {
            throw new FormatException("authenticator data sets the AT flag but is too short for aaguid and credential id length.");
        }

        var aaguid = rest[..AaguidLength].ToArray();
        var credentialIdLength = BinaryPrimitives.ReadUInt16BigEndian(rest[AaguidLength..(AaguidLength + 2)]);
        rest = rest[(AaguidLength + 2)..];
        if (rest.Length < credentialIdLength)
        {
            throw new FormatException($"authenticator data announces a credential id of {credentialIdLength} bytes but holds only {rest.Length}.");
        }

        return new AppAttestAuthenticatorData(header.RpIdHash, header.Flags, header.SignCount, aaguid, rest[..credentialIdLength].ToArray());
    }
}
