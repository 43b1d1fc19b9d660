using Microsoft.Extensions.Options;

namespace Attestation.Core.Tokens;

/// <summary>Signing keys from configuration, for the local run and tests (no Key Vault emulator exists).</summary>
public sealed class ConfigurationSigningKeyProvider : ISigningKeyProvider
{
    private readonly SigningKeySet _keys;

    /// <param name="options">The configured versions.</param>
    /// <param name="algorithm">The deployment's algorithm: HS256 secrets or ES256 private keys (base64 PKCS#8, P-256).</param>
    public ConfigurationSigningKeyProvider(IOptions<SigningKeyOptions> options, TokenAlgorithm algorithm = TokenAlgorithm.HS256)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        var current = value.Current is { Version.Length: > 0 } c ? SigningKey.Read(algorithm, c.Version, c.Secret) : null;
        var previous = value.Previous is { Version.Length: > 0 } p ? SigningKey.Read(algorithm, p.Version, p.Secret) : null;
        _keys = new SigningKeySet(
            current ?? throw new OptionsValidationException(SigningKeyOptions.SectionName, typeof(SigningKeyOptions), ["Attestation:SigningKey:Current is missing or invalid."]),
            previous);
    }

    public ValueTask<SigningKeySet> GetKeysAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_keys);

    public ValueTask<bool> IsHealthyAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(true);
}
