using Microsoft.Extensions.Options;

namespace Attestation.Core.Challenges;

/// <summary>Challenge keys from configuration, for the local run and tests (no Key Vault emulator exists).</summary>
public sealed class ConfigurationChallengeKeyProvider : IChallengeKeyProvider
{
    private readonly ChallengeKeySet _keys;

    public ConfigurationChallengeKeyProvider(IOptions<ChallengeKeyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        var current = value.Current is null ? null : ChallengeKey.FromBase64(value.Current.Version, value.Current.Secret);
        var previous = value.Previous is { Version.Length: > 0 } p ? ChallengeKey.FromBase64(p.Version, p.Secret) : null;
        _keys = new ChallengeKeySet(
            current ?? throw new OptionsValidationException(ChallengeKeyOptions.SectionName, typeof(ChallengeKeyOptions), ["Attestation:ChallengeKey:Current is missing or invalid."]),
            previous);
    }

    public ValueTask<ChallengeKeySet> GetKeysAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_keys);
}
