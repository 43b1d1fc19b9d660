namespace Attestation.Core.Platforms;

/// <summary>What a verified refresh proof establishes: the counter to store (unchanged where the platform has none).</summary>
public sealed record RefreshVerdict(long Counter);
