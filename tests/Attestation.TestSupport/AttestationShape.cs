using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Attestation.TestSupport;

/// <summary>How to build a test attestation; every default gives one that verifies. Each property breaks one step.</summary>
public sealed record AttestationShape(string AppId, byte[] ClientDataHash, DateTimeOffset IssuedAt)
{
    public string Format { get; init; } = "apple-appattest";

    /// <summary>The App ID hashed into rpIdHash, when it should differ from <see cref="AppId"/>.</summary>
    public string? RpIdAppId { get; init; }

    public byte Flags { get; init; } = 0x40;

    public uint Counter { get; init; }

    public byte[] Aaguid { get; init; } = AppAttestTestAuthority.DevelopmentAaguid;

    /// <summary>The credential id in authData, when it should differ from the key id.</summary>
    public byte[]? CredentialId { get; init; }

    /// <summary>The nonce certified by the leaf, when it should differ from SHA-256(authData ‖ clientDataHash).</summary>
    public byte[]? CertifiedNonce { get; init; }

    public byte[]? NonceExtensionValue { get; init; }

    public bool OmitNonceExtension { get; init; }

    public bool AddUnknownAppleExtension { get; init; }

    /// <summary>The key the leaf certifies, when it should not be the device's.</summary>
    public ECDsa? CertifiedKey { get; init; }

    /// <summary>The key that signs the leaf, when it should not be the intermediate's.</summary>
    public ECDsa? SignLeafWith { get; init; }

    public bool IncludeIntermediate { get; init; } = true;

    /// <summary>The DER sent as the intermediate, when it should not be the authority's own.</summary>
    public byte[]? Intermediate { get; init; }

    public byte[] TrailingAuthDataBytes { get; init; } = [];

    /// <summary>The receipt's bytes, when they should not be a receipt the authority signs for this attestation.</summary>
    public byte[]? Receipt { get; init; }

    /// <summary>The App ID the receipt names, when it should differ from <see cref="AppId"/>.</summary>
    public string? ReceiptAppId { get; init; }

    /// <summary>The credential certificate the receipt names, when it should not be this attestation's.</summary>
    public byte[]? ReceiptAttestedCertificate { get; init; }

    public string ReceiptType { get; init; } = "ATTEST";
}
