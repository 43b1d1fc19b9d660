namespace Attestation.AspNetCore;

/// <summary>
/// What the check of one request's token found; on <c>HttpContext.Features</c> as <see cref="IAttestationTokenFeature"/>.
/// Either the claims (<see cref="IsValid"/>) or the <see cref="Refusal"/>.
/// </summary>
public sealed class AttestationTokenResult
{
    private AttestationTokenResult(string? appId, string? deviceId, string? platform, DateTimeOffset? expiresAt, string? refusal)
    {
        AppId = appId;
        DeviceId = deviceId;
        Platform = platform;
        ExpiresAt = expiresAt;
        Refusal = refusal;
    }

    public bool IsValid => Refusal is null;

    public string? AppId { get; }

    public string? DeviceId { get; }

    public string? Platform { get; }

    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>One of <see cref="AttestationTokenRefusals"/>, or null for a valid token.</summary>
    public string? Refusal { get; }

    internal static AttestationTokenResult Valid(string appId, string deviceId, string platform, DateTimeOffset expiresAt) =>
        new(appId, deviceId, platform, expiresAt, null);

    internal static AttestationTokenResult Refused(string refusal) => new(null, null, null, null, refusal);
}

/// <summary>The token check of the current request, set by the attestation token handler.</summary>
public interface IAttestationTokenFeature
{
    /// <summary>The result, also when <see cref="AttestationTokenOptions.Enforce"/> is false and the request went through anyway.</summary>
    AttestationTokenResult Result { get; }

    /// <summary>Whether a refusal was enforced (false in the rollout mode).</summary>
    bool Enforced { get; }
}

internal sealed record AttestationTokenFeature(AttestationTokenResult Result, bool Enforced) : IAttestationTokenFeature;
