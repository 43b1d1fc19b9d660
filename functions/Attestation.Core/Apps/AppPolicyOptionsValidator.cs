using Microsoft.Extensions.Options;

namespace Attestation.Core.Apps;

/// <summary>Fails the start (with <c>ValidateOnStart</c>) when any configured app policy is wrong, listing every problem.</summary>
public sealed class AppPolicyOptionsValidator(AppPolicyReader reader) : IValidateOptions<AppPolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, AppPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        reader.Read(options, out var errors);
        return errors.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"The app policies in configuration are invalid:{Environment.NewLine}{AppPolicyReader.Describe(errors)}");
    }
}
