using Microsoft.Extensions.Options;

namespace Attestation.Core.Tokens;

/// <summary>Signing keys from configuration, for the local run and tests (no Key Vault emulator exists).</summary>
public sealed class ConfigurationSigningKeyProvider : ISigningKeyProvider
{
    private readonly SigningKeySet _keys;

    public ConfigurationSigningKeyProvider(IOptions<SigningKeyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        var current = value.Current is null ? null : SigningKey.FromBase64(value.Current.Version, value.Current.Secret);
        var previous = value.Previous is { Version.Length: > 0 } p ? SigningKey.FromBase64(p.Version, p.Secret) : null;
        _keys = new SigningKeySet(
            current ?? throw new OptionsValidationException(SigningKeyOptions.SectionName, typeof(SigningKeyOptions), ["Attestation:SigningKey:Current is missing or invalid."]),
            previous);
    }

    public ValueTask<SigningKeySet> GetKeysAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_keys);

    public ValueTask<bool> IsHealthyAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(true);
}
