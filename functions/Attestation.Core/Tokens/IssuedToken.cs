namespace Attestation.Core.Tokens;

/// <summary>A signed token and when it expires.</summary>
public sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt, string DeviceId);
