using Microsoft.Extensions.Options;

namespace Attestation.Core.Policies;

/// <summary>App policies read once from configuration (already validated at start).</summary>
public sealed class ConfiguredAppPolicyProvider : IAppPolicyProvider
{
    private readonly Dictionary<string, AppPolicy> _policies;

    public ConfiguredAppPolicyProvider(IOptions<AppPolicyOptions> options, AppPolicyReader reader)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(reader);
        var policies = reader.Read(options.Value, out var errors);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(AppPolicyOptions.SectionName, typeof(AppPolicyOptions), errors);
        }

        _policies = policies.ToDictionary(p => p.AppId, StringComparer.Ordinal);
    }

    public ValueTask<AppPolicy?> FindAsync(string appId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_policies.GetValueOrDefault(appId));
}
