using System.Text.Json;

namespace Attestation.Core.Attestations;

/// <summary>A refresh call after its JSON shape was checked (docs/api.md, <c>POST /api/v1/token/refresh</c>).</summary>
public sealed record RefreshCommand(string AppId, string DeviceId, string Challenge, string? Binding, JsonElement? Proof);
