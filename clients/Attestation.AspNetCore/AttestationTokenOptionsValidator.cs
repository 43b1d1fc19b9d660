using System.Net;
using Microsoft.Extensions.Options;

namespace Attestation.AspNetCore;

/// <summary>Refuses settings that would accept too much or nothing, at start rather than at the first request.</summary>
internal sealed class AttestationTokenOptionsValidator : IValidateOptions<AttestationTokenOptions>
{
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, AttestationTokenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.HeaderName))
        {
            failures.Add("HeaderName is required.");
        }

        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add("Issuer is required: the backend's Attestation:Token:Issuer.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add("Audience is required: the backend's Attestation:Token:Audience.");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > MaxClockSkew)
        {
            failures.Add("ClockSkew must be between 0 and 5 minutes.");
        }

        // An empty list would accept every app of the deployment: the hole the edge module closes too (issue 16, finding 1).
        if (options.AppIds.Count == 0 || options.AppIds.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("AppIds must name at least one app this API serves.");
        }

        if (options.Platforms.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("Platforms may not hold an empty name.");
        }

        var sources = (options.JwksUri is not null ? 1 : 0)
            + (options.KeyVaultUri is not null || options.SecretClient is not null ? 1 : 0)
            + (options.SigningKeys.Count > 0 ? 1 : 0);
        if (sources != 1)
        {
            failures.Add("Set exactly one key source: JwksUri (ES256), KeyVaultUri (HS256) or SigningKeys (HS256).");
        }

        if (options.JwksUri is { } jwks && !IsSecureOrLoopback(jwks))
        {
            failures.Add("JwksUri must be an absolute https URI (http only for a loopback address).");
        }

        if (options.KeyVaultUri is { } vault && (!vault.IsAbsoluteUri || vault.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add("KeyVaultUri must be an absolute https URI.");
        }

        if ((options.KeyVaultUri is not null || options.SecretClient is not null) && string.IsNullOrWhiteSpace(options.SecretName))
        {
            failures.Add("SecretName is required with a Key Vault.");
        }

        foreach (var key in options.SigningKeys)
        {
            if (string.IsNullOrWhiteSpace(key.Version) || Keys.AttestationKeySet.SymmetricKeyFrom(key.Version, key.Secret) is null)
            {
                // The version may be shown; the secret never is.
                failures.Add("Each of SigningKeys needs a Version and a Secret that is base64 of at least 32 bytes.");
                break;
            }
        }

        if (options.KeyRefreshInterval <= TimeSpan.Zero || options.UnknownKeyRefreshSpacing <= TimeSpan.Zero || options.BackchannelTimeout <= TimeSpan.Zero)
        {
            failures.Add("KeyRefreshInterval, UnknownKeyRefreshSpacing and BackchannelTimeout must be positive.");
        }

        if (options.KeyMaxStaleness <= options.KeyRefreshInterval)
        {
            failures.Add("KeyMaxStaleness must be longer than KeyRefreshInterval, or every failed refresh would refuse every token.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool IsSecureOrLoopback(Uri uri) =>
        uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttps
            || (uri.Scheme == Uri.UriSchemeHttp && (uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip)))));
}
