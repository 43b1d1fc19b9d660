namespace Attestation.AspNetCore.Keys;

/// <summary>HS256 keys from <see cref="AttestationTokenOptions.SigningKeys"/>: fixed for the life of the process.</summary>
internal sealed class ConfiguredKeySource : IAttestationKeySource
{
    private readonly AttestationKeySet _keys;

    public ConfiguredKeySource(IEnumerable<AttestationSigningKey> keys) =>
        _keys = new AttestationKeySet("HS256", keys.Select(key => AttestationKeySet.SymmetricKeyFrom(key.Version, key.Secret)
            ?? throw new InvalidOperationException($"Signing key version {key.Version} is not base64 of at least 32 bytes.")));

    public ValueTask<AttestationKeySet> GetAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_keys);

    public ValueTask<AttestationKeySet> GetIncludingAsync(string kid, CancellationToken cancellationToken = default) => ValueTask.FromResult(_keys);
}
