using System.Globalization;
using System.Text.Json;

namespace Attestation.TestSupport;

/// <summary>An attestation and how it must verify.</summary>
public sealed record AppleAttestationCase(
    byte[] AttestationObject,
    byte[] KeyId,
    string Environment,
    byte[] ClientDataHash,
    DateTimeOffset VerifyAt,
    DateTimeOffset ExpiredAt,
    bool ExpectValid,
    string PublicKeyPem);
