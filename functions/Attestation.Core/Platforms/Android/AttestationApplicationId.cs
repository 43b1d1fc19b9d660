namespace Attestation.Core.Platforms.Android;

/// <summary>
/// <c>AttestationApplicationId</c>: the packages of the app that created the key (several when they share a user id) and the
/// SHA-256 digests of the app's signing certificates. This is what ties the key to the app's signing keys.
/// </summary>
public sealed record AttestationApplicationId(IReadOnlyList<AttestationPackageInfo> Packages, IReadOnlyList<byte[]> SignatureDigests);
