using System.Text.Json;

namespace Attestation.Core.Attestations;

/// <summary>An attest call after its JSON shape was checked (API.md, <c>POST /api/v1/attest</c>).</summary>
public sealed record AttestCommand(string AppId, string Platform, string Challenge, string? Binding, JsonElement Evidence);

/// <summary>A refresh call after its JSON shape was checked (API.md, <c>POST /api/v1/token/refresh</c>).</summary>
public sealed record RefreshCommand(string AppId, string DeviceId, string Challenge, string? Binding, JsonElement? Proof);
