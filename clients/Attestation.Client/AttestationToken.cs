namespace Attestation.Client;

/// <summary>A token the backend issued (docs/api.md, 200 of attest and refresh).</summary>
/// <param name="Value">The compact JWS to send in the <c>Attestation-Token</c> header. Never log it.</param>
/// <param name="ExpiresAt">When the token stops being accepted.</param>
/// <param name="DeviceId">The device the backend registered: the id a refresh presents.</param>
public sealed record AttestationToken(string Value, DateTimeOffset ExpiresAt, string DeviceId)
{
    // A record prints every member; a token in a log or an exception message is a credential leaked.
    public override string ToString() => $"AttestationToken {{ DeviceId = {DeviceId}, ExpiresAt = {ExpiresAt:O} }}";
}
