namespace Attestation.Core.Challenges;

/// <summary>A one-time server challenge, bound to one app until it expires.</summary>
/// <param name="Value">The sealed text (<see cref="SealedChallenge"/>), opaque to clients.</param>
/// <param name="AppId">The app it was issued for.</param>
/// <param name="ExpiresAt">When it stops being accepted (whole seconds).</param>
public sealed record Challenge(string Value, string AppId, DateTimeOffset ExpiresAt);
