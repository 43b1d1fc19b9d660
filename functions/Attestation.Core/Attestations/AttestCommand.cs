using System.Text.Json;

namespace Attestation.Core.Attestations;

/// <summary>An attest call after its JSON shape was checked (docs/api.md, <c>POST /api/v1/attest</c>).</summary>
public sealed record AttestCommand(string AppId, string Platform, string Challenge, string? Binding, JsonElement Evidence);
