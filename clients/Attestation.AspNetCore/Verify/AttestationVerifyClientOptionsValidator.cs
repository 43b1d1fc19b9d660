using Microsoft.Extensions.Options;

namespace Attestation.AspNetCore.Verify;

/// <summary>Refuses a verify client that could not work, at start.</summary>
internal sealed class AttestationVerifyClientOptionsValidator : IValidateOptions<AttestationVerifyClientOptions>
{
    public ValidateOptionsResult Validate(string? name, AttestationVerifyClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.VerifyUri is not { } uri || !AttestationTokenOptionsValidator.IsSecureOrLoopback(uri))
        {
            failures.Add("VerifyUri must be an absolute https URI (http only for a loopback address).");
        }

        if (options.Credential is not null && string.IsNullOrWhiteSpace(options.Scope))
        {
            failures.Add("Scope is required with a Credential, e.g. api://<backend app id>/.default.");
        }

        if (options.MaxRetries < 0 || options.MaxRetries > 10)
        {
            failures.Add("MaxRetries must be between 0 and 10.");
        }

        if (options.MaxRetryDelay < TimeSpan.Zero || options.DefaultRetryDelay < TimeSpan.Zero || options.DefaultRetryDelay > options.MaxRetryDelay)
        {
            failures.Add("DefaultRetryDelay and MaxRetryDelay must not be negative, and DefaultRetryDelay at most MaxRetryDelay.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
