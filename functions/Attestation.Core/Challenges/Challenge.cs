namespace Attestation.Core.Challenges;

/// <summary>A one-time server challenge, bound to one app until it expires.</summary>
/// <param name="Value">base64url (no padding) of 32 random bytes.</param>
/// <param name="AppId">The app it was issued for.</param>
/// <param name="ExpiresAt">When it stops being accepted.</param>
public sealed record Challenge(string Value, string AppId, DateTimeOffset ExpiresAt);
