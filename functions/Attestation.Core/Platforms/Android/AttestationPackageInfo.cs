namespace Attestation.Core.Platforms.Android;

/// <summary>One package of <c>attestationApplicationId</c>.</summary>
public sealed record AttestationPackageInfo(string Name, long Version);
