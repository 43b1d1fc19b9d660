namespace Attestation.Client;

/// <summary>
/// The debug platform: a debug token registered for the app stands in for the device's evidence, at attest and at
/// refresh. For development and tests only; a deployed app enables the debug platform on purpose or not at all.
/// </summary>
public sealed class DebugAttestationProvider : IAttestationProvider
{
    private readonly string _debugToken;

    /// <exception cref="ArgumentException"><paramref name="debugToken"/> is empty.</exception>
    public DebugAttestationProvider(string debugToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(debugToken);
        _debugToken = debugToken;
    }

    public string Platform => Platforms.Debug;

    public Task<AttestationEvidence> AttestAsync(string challenge, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(AttestationEvidence.Debug(_debugToken));
    }

    public Task<RefreshProof?> ProveAsync(string deviceId, string challenge, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<RefreshProof?>(RefreshProof.Debug(_debugToken));
    }

    // The device id is the debug token's hash, so there is no key to discard: attesting again is all a new key can mean here.
    public Task ResetKeyAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.CompletedTask;
    }

    public override string ToString() => "DebugAttestationProvider";
}
