namespace Attestation.AspNetCore.Verify;

/// <summary>A verify request (docs/api.md, "POST /api/v1/verify").</summary>
/// <param name="Token">The token to check.</param>
public sealed record AttestationVerifyRequest(string Token)
{
    /// <summary>The raw bound value (e.g. the Authorization header); the token's <c>pay</c> must be its hash.</summary>
    public string? Binding { get; init; }

    /// <summary>True: the token is accepted once only.</summary>
    public bool Consume { get; init; }

    /// <summary>The app this API serves; a token of another app is refused (<c>wrong_app</c>).</summary>
    public string? AppId { get; init; }

    /// <summary>The platforms this API accepts; null accepts all.</summary>
    public IReadOnlyList<string>? Platforms { get; init; }
}

/// <summary>verify's answer: either <see cref="Valid"/> with the claims, or the <see cref="Reason"/>.</summary>
public sealed record AttestationVerifyResult(bool Valid, string? Reason, string? AppId, string? DeviceId, string? Platform,
    DateTimeOffset? IssuedAt, DateTimeOffset? ExpiresAt);
