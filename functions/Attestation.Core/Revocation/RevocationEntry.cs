namespace Attestation.Core.Revocation;

/// <summary>
/// Whether one device of one app is revoked, as the revocation log holds it, with the version of the status change that
/// wrote it. Versions order the writes of one device, so that the log and every instance's view keep the newest whatever
/// order writes arrive in.
/// </summary>
/// <param name="AppId">The app.</param>
/// <param name="DeviceId">The device id (base64url), as in the token's <c>sub</c>.</param>
/// <param name="Revoked">True when the device is revoked; false once it was restored.</param>
/// <param name="Version">The status version of the device registration this entry describes.</param>
public sealed record RevocationEntry(string AppId, string DeviceId, bool Revoked, long Version)
{
    /// <summary>
    /// Whether this entry replaces <paramref name="other"/> (an entry of the same device): a higher version, or the same
    /// version revoked where the other is not. A revocation is written before the device row it describes and may race a
    /// restore that takes the same version; the tie goes to the stricter answer, and the revocation's own retry then
    /// writes a higher version.
    /// </summary>
    public bool Supersedes(RevocationEntry? other) =>
        other is null || Version > other.Version || (Version == other.Version && Revoked && !other.Revoked);
}
