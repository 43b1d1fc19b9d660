using System.Text.Json;
using System.Text.RegularExpressions;

namespace Attestation.TestSupport;

/// <summary>One real Android key attestation vector: its <c>case</c> block from tests/vectors/android-key-*.json.</summary>
public sealed record AndroidVector(
    string Name,
    string ChainPath,
    IReadOnlyList<byte[]> Chain,
    DateTimeOffset VerifyAt,
    DateTimeOffset? VerifyAtStrict,
    byte[] Challenge,
    IReadOnlyList<string> Packages,
    IReadOnlyList<string> SignatureDigestsHex,
    int AttestationVersion,
    string SecurityLevel,
    string? VerifiedBootState,
    bool? DeviceLocked,
    int? OsPatchLevel,
    bool ExpectValid,
    string ExpectCode)
{
    public override string ToString() => Name;
}
