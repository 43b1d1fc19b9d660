using Microsoft.Extensions.Options;

namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// In production, standard tokens go to Google's Play Integrity API and nowhere else: the decoder sends the service account's
/// access token to <see cref="PlayIntegrityOptions.DecodeEndpoint"/> and trusts the verdict it answers, so another endpoint
/// (the tests' local fake) would be a way to forge verdicts. Elsewhere any endpoint is allowed, with a clear name in the log.
/// </summary>
public sealed class PlayIntegrityOptionsValidator(bool production) : IValidateOptions<PlayIntegrityOptions>
{
    /// <summary>Google's Play Integrity API, the only endpoint accepted in production.</summary>
    public static readonly Uri GoogleEndpoint = new("https://playintegrity.googleapis.com/");

    public ValidateOptionsResult Validate(string? name, PlayIntegrityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (production && options.DecodeEndpoint is not null && !IsGoogle(options.DecodeEndpoint))
        {
            return ValidateOptionsResult.Fail(
                $"{PlayIntegrityOptions.SectionName}:DecodeEndpoint must be {GoogleEndpoint} in production; other endpoints are for tests only.");
        }

        return ValidateOptionsResult.Success;
    }

    private static bool IsGoogle(Uri endpoint) =>
        endpoint.IsAbsoluteUri
        && endpoint.Scheme == Uri.UriSchemeHttps
        && string.Equals(endpoint.Host, GoogleEndpoint.Host, StringComparison.OrdinalIgnoreCase)
        && endpoint.IsDefaultPort;
}
