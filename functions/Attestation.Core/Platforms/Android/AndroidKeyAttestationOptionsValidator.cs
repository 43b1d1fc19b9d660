using Microsoft.Extensions.Options;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// Checks <see cref="AndroidKeyAttestationOptions"/> at start. Extra trusted root keys exist for end-to-end tests with
/// generated chains; in production they are refused outright, so a deployed backend trusts Google's roots and nothing else.
/// </summary>
public sealed class AndroidKeyAttestationOptionsValidator(bool production) : IValidateOptions<AndroidKeyAttestationOptions>
{
    public ValidateOptionsResult Validate(string? name, AndroidKeyAttestationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        const string Prefix = AndroidKeyAttestationOptions.SectionName;

        if (production && options.TestOnlyTrustedRootPublicKeys.Count > 0)
        {
            errors.Add($"{Prefix}:TestOnlyTrustedRootPublicKeys must be empty in production: only Google's attestation roots are trusted there.");
        }

        foreach (var key in options.TestOnlyTrustedRootPublicKeys)
        {
            if (AndroidAttestationRootKey.TryReadTestRoot(key) is null)
            {
                errors.Add($"{Prefix}:TestOnlyTrustedRootPublicKeys entries must be base64 SubjectPublicKeyInfo DER of an EC or RSA key.");
            }
        }

        var uri = options.StatusListUri;
        if (uri is null || !uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && (production || uri.Scheme != Uri.UriSchemeHttp)))
        {
            errors.Add($"{Prefix}:StatusListUri must be an absolute https URI.");
        }

        if (production && !string.IsNullOrWhiteSpace(options.StatusListFile))
        {
            errors.Add($"{Prefix}:StatusListFile is for local and air-gapped runs; in production the list is fetched from StatusListUri.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
