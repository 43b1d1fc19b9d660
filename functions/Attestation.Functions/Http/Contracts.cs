using System.Text.Json;

namespace Attestation.Functions.Http;

// Request and response bodies of docs/api.md. Required members make a missing field a 400 invalid_request.

internal sealed record ChallengeRequest(string AppId);

internal sealed record ChallengeResponse(string Challenge, string ExpiresAt);

internal sealed record AttestRequest(string AppId, string Platform, string Challenge, JsonElement Evidence, string? Binding = null);

internal sealed record RefreshRequest(string AppId, string DeviceId, string Challenge, JsonElement? Proof = null, string? Binding = null);

internal sealed record TokenResponse(string Token, string ExpiresAt, string DeviceId);

internal sealed record VerifyRequest(string Token, string? Binding = null, bool Consume = false, string? AppId = null, string?[]? Platforms = null);

internal sealed record VerifyValidResponse(bool Valid, string AppId, string DeviceId, string Platform, string IssuedAt, string ExpiresAt);

internal sealed record VerifyInvalidResponse(bool Valid, string Reason);

internal sealed record HealthResponse(string Status);

internal sealed record ProblemResponse(string Type, string Title, int Status, string Detail, string Code, string Action);

// OpenID Connect Discovery 1.0 §3 names, which are snake_case.
internal sealed record OpenIdConfigurationResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("issuer")] string Issuer,
    [property: System.Text.Json.Serialization.JsonPropertyName("jwks_uri")] string JwksUri,
    [property: System.Text.Json.Serialization.JsonPropertyName("id_token_signing_alg_values_supported")] IReadOnlyList<string> IdTokenSigningAlgValuesSupported);

internal sealed record JwksResponse(IReadOnlyList<Attestation.Core.Tokens.PublicSigningKey> Keys);
