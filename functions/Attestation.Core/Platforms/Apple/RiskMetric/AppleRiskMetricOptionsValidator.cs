using Microsoft.Extensions.Options;

namespace Attestation.Core.Platforms.Apple.RiskMetric;

/// <summary>
/// The key id and team id come together or not at all, each ten upper-case letters or digits. In production the receipts go
/// to Apple's two servers and nowhere else: the client sends the team's JWT to these endpoints and stores the risk metric they
/// answer, so another endpoint (the tests' local fake) would leak the JWT and set metrics at will. Elsewhere any endpoint.
/// </summary>
public sealed class AppleRiskMetricOptionsValidator(bool production) : IValidateOptions<AppleRiskMetricOptions>
{
    /// <summary>Apple's App Attest server for the development environment.</summary>
    public static readonly Uri AppleDevelopmentServer = new("https://data-development.appattest.apple.com/");

    /// <summary>Apple's App Attest server for the production environment.</summary>
    public static readonly Uri AppleProductionServer = new("https://data.appattest.apple.com/");

    public ValidateOptionsResult Validate(string? name, AppleRiskMetricOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var keySet = !string.IsNullOrWhiteSpace(options.KeyId);
        var teamSet = !string.IsNullOrWhiteSpace(options.TeamId);
        if (keySet != teamSet)
        {
            failures.Add($"{AppleRiskMetricOptions.SectionName}: set both KeyId and TeamId to turn the risk metric on, or neither.");
        }

        if (keySet && !IsAppleId(options.KeyId!))
        {
            failures.Add($"{AppleRiskMetricOptions.SectionName}:KeyId must be the ten-character id of the team's key (upper-case letters and digits).");
        }

        if (teamSet && !IsAppleId(options.TeamId!))
        {
            failures.Add($"{AppleRiskMetricOptions.SectionName}:TeamId must be the ten-character Apple developer team id (upper-case letters and digits).");
        }

        if (production && options.DevelopmentEndpoint is not null && !IsSameServer(options.DevelopmentEndpoint, AppleDevelopmentServer))
        {
            failures.Add($"{AppleRiskMetricOptions.SectionName}:DevelopmentEndpoint must be {AppleDevelopmentServer} in production; other endpoints are for tests only.");
        }

        if (production && options.ProductionEndpoint is not null && !IsSameServer(options.ProductionEndpoint, AppleProductionServer))
        {
            failures.Add($"{AppleRiskMetricOptions.SectionName}:ProductionEndpoint must be {AppleProductionServer} in production; other endpoints are for tests only.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsAppleId(string value) =>
        value.Length == 10 && value.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));

    private static bool IsSameServer(Uri endpoint, Uri apple) =>
        endpoint.IsAbsoluteUri
        && endpoint.Scheme == Uri.UriSchemeHttps
        && string.Equals(endpoint.Host, apple.Host, StringComparison.OrdinalIgnoreCase)
        && endpoint.IsDefaultPort
        && endpoint.AbsolutePath == "/";
}
