using System.Globalization;
using System.Text.Json;

namespace Attestation.TestSupport;

/// <summary>One vector file.</summary>
public sealed record AppleVector(string File, string AppId, AppleAttestationCase? Attestation, IReadOnlyList<AppleAssertionCase> Assertions);
