namespace Attestation.Cli.Commands;

/// <summary>The <c>--app-id TEAMID.BUNDLEID</c> option of the App Attest commands.</summary>
internal static class AppleAppIds
{
    /// <exception cref="CliUsageException">It is missing or has no team id and bundle id.</exception>
    public static string Require(CliArguments arguments)
    {
        var appId = arguments.Required("--app-id");
        var dot = appId.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < appId.Length - 1
            ? appId
            : throw new CliUsageException($"--app-id '{appId}' is not TEAMID.BUNDLEID.");
    }
}
