namespace Attestation.Core.Platforms.Android;

/// <summary>What a verified Android attestation chain establishes.</summary>
/// <param name="RootKind">The pinned root key the chain ends at (<see cref="AndroidAttestationRootKey.Kind"/>).</param>
/// <param name="RemotelyProvisioned">True for a chain under Google's remote key provisioning CAs ("Droid CA2/CA3").</param>
public sealed record AndroidVerifiedAttestationChain(string RootKind, bool RemotelyProvisioned);
