namespace Attestation.Core.Platforms.Android;

/// <summary>A list given once (the offline tool's <c>--revocation-list</c>, or an empty list when none is given).</summary>
public sealed class FixedAndroidAttestationStatusSource(AndroidAttestationStatusList list) : IAndroidAttestationStatusSource
{
    public Task<AndroidAttestationStatusList> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(list);
}
