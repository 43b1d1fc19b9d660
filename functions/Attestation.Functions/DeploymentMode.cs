using Microsoft.Extensions.Configuration;

namespace Attestation.Functions;

/// <summary>
/// Whether the development relaxations apply: an open <c>verify</c> when nothing protects it, keys from app settings, test
/// roots, a local Play Integrity decoder, weak debug tokens. They apply only when <c>AZURE_FUNCTIONS_ENVIRONMENT</c> (or,
/// when that is unset, <c>DOTNET_ENVIRONMENT</c>) is <c>Development</c>, which <c>func start</c>, the local host and
/// scripts/run-local.sh set; every other value, and none, is production. The mode used to be guessed from variables App
/// Service sets, which made every other host (a container, AKS, a VM) a development machine (issue 16, finding 6).
/// </summary>
/// <param name="IsDevelopment">True only when the environment is explicitly <c>Development</c>.</param>
public sealed record DeploymentMode(bool IsDevelopment)
{
    /// <summary>The setting the Functions host and <c>func start</c> set (<c>Development</c> locally, <c>Production</c> in Azure).</summary>
    public const string FunctionsEnvironmentSetting = "AZURE_FUNCTIONS_ENVIRONMENT";

    /// <summary>The .NET generic host's setting, read when <see cref="FunctionsEnvironmentSetting"/> is unset.</summary>
    public const string DotnetEnvironmentSetting = "DOTNET_ENVIRONMENT";

    /// <summary>The one value that turns the relaxations on.</summary>
    public const string Development = "Development";

    /// <summary>True everywhere the environment is not explicitly <see cref="Development"/>.</summary>
    public bool IsProduction => !IsDevelopment;

    /// <summary>
    /// The mode <paramref name="configuration"/> names. The settings are read from configuration rather than from the
    /// process environment: the hosts put environment variables there, and a test can pass a mode to one backend without
    /// changing it for every other backend running in the same process.
    /// </summary>
    public static DeploymentMode From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var environment = configuration[FunctionsEnvironmentSetting];
        if (string.IsNullOrWhiteSpace(environment))
        {
            environment = configuration[DotnetEnvironmentSetting];
        }

        return new(string.Equals(environment?.Trim(), Development, StringComparison.OrdinalIgnoreCase));
    }

    public override string ToString() => IsDevelopment ? Development : "Production";
}
